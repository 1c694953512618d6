import L10n

extension VaultError {
    /// What to tell the user, in their language (the vault's directory is named where it helps).
    public func message(directory: VaultDirectory) -> String {
        switch self {
        case .notFound: tr("vault.error.not-found", ["path": directory.url.path])
        case .alreadyExists: tr("vault.error.exists", ["path": directory.url.path])
        case .wrongPassphrase: tr("vault.error.wrong-passphrase")
        case .wrongRecoveryKey: tr("vault.error.wrong-recovery-key")
        case .malformedRecoveryKey: tr("vault.error.malformed-recovery-key")
        case .locked: tr("vault.error.locked")
        case .damaged: tr("vault.error.damaged")
        case .insecureDirectory(let path): tr("vault.error.insecure-directory", ["path": path])
        case .insecureFile(let path): tr("vault.error.insecure-file", ["path": path])
        case .keysMissing: tr("vault.error.keys-missing", ["path": directory.url.path])
        case .schemaTooNew: tr("vault.error.schema-too-new")
        case .emptyPassphrase: tr("vault.error.empty-passphrase")
        }
    }
}

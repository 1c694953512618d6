import Documents
import Sync
import Vault

extension SyncEngine {
    /// The program's sync engine: each content that arrives is indexed as the reader shows it
    /// (a lab report's results, a PDF's text, RTF as text), so search finds it unopened.
    static func forApp(_ vault: Vault, options: Options = Options()) -> SyncEngine {
        var options = options
        let reader = DocumentReader()
        options.extractText = { format, bytes in reader.searchableText(format: format, bytes: bytes) }
        return SyncEngine(vault: vault, options: options)
    }
}

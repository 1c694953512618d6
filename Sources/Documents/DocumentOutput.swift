import Foundation

/// Why a document could not leave the vault.
public enum DocumentOutputError: Error, Equatable, Sendable {
    /// Kiosk mode: nothing may be left on the machine (printing stays possible).
    case refusedInKiosk
    /// The destination exists already (never overwritten).
    case destinationExists(String)
    case cannotWrite(String)
    /// The content was never fetched (sync, or open the document first).
    case contentMissing
    /// No CUPS on this machine (`lp` missing).
    case printingUnavailable
    /// `lp` refused (its message, untrusted: sanitise to show).
    case printFailed(String)
}

/// Writing a copy of a document outside the vault: a file the user names, or the printer.
public enum DocumentOutput {
    /// Writes `bytes` to `path` (a new file, mode 0600). The caller has warned the user that the
    /// copy is not encrypted. Refused in kiosk mode.
    public static func export(_ bytes: [UInt8], to path: String, kiosk: Bool) throws(DocumentOutputError) {
        guard !kiosk else { throw .refusedInKiosk }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw .destinationExists(path) }
            throw .cannotWrite(path)
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else {
                unlink(path)
                throw .cannotWrite(path)
            }
            offset += written
        }
    }

    /// Whether this machine can print (CUPS's `lp` is installed).
    public static func canPrint(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        ExternalTool.find("lp", environment: environment) != nil
    }

    /// Prints through CUPS: `lp` reads the content from a pipe (no file in clear on the disk).
    /// The job is named "mes", not after the document, since job names are visible to others.
    /// Returns what `lp` said (the request id), for the status line. `printer` names the CUPS
    /// queue (`lp -d`; nil: the default one).
    public static func print(_ bytes: [UInt8], printer: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DocumentOutputError) -> String {
        guard let lp = ExternalTool.find("lp", environment: environment) else { throw .printingUnavailable }
        let result: ExternalTool.Result
        do {
            result = try lp.run(["-t", "mes"] + (printer.map { ["-d", $0] } ?? []), input: bytes, timeout: 30)
        } catch {
            throw .printFailed(String(describing: error))
        }
        let said = String(decoding: result.status == 0 ? result.output : result.errorOutput, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0 else { throw .printFailed(said) }
        return said
    }
}

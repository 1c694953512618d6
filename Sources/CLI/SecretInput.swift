import Crypto
import Foundation
import L10n

/// Where a secret (a passphrase, a password, a one-time code) comes from. Never `argv`, never
/// an environment variable: those are visible to other processes and end up in logs.
public enum SecretSource: Equatable, Sendable {
    case file(String)
    case fileDescriptor(Int32)
    /// Asked on the controlling terminal with echo off.
    case prompt

    /// The source chosen by `--NAME-file FILE` / `--NAME-fd N` options, else the prompt.
    public static func from(_ arguments: ParsedArguments, file: String, fd: String) throws(UsageError) -> SecretSource {
        if let path = arguments.value(file) { return .file(path) }
        if let text = arguments.value(fd) {
            guard let descriptor = Int32(text), descriptor >= 0 else {
                throw UsageError(.invalidValue(option: fd, value: text))
            }
            return .fileDescriptor(descriptor)
        }
        return .prompt
    }
}

public enum SecretInputError: Error, Equatable, Sendable {
    case unreadable(String)
    /// `--…-fd N` names a descriptor that is not open.
    case closedDescriptor(Int32)
    /// No end of line within `SecretInput.maximumLength` bytes (`/dev/zero`, a binary file).
    case tooLong
    case noTerminal
    case empty
}

extension SecretInputError {
    /// The message and exit code a command ends with.
    public var failure: CommandFailure {
        switch self {
        case .noTerminal: CommandFailure(.usage, tr("vault.error.no-terminal"))
        case .empty: CommandFailure(.failure, tr("vault.error.empty-passphrase"))
        case .unreadable(let path): CommandFailure(.failure, tr("vault.error.unreadable", ["path": path]))
        case .closedDescriptor(let descriptor): CommandFailure(.usage, tr("secret.error.closed-descriptor", ["fd": String(descriptor)]))
        case .tooLong: CommandFailure(.failure, tr("secret.error.too-long", ["limit": String(SecretInput.maximumLength)]))
        }
    }
}

/// Reads secrets into guarded memory, one line at a time.
public enum SecretInput {
    /// Reads one secret. From a file or descriptor, the first line is taken (without its end of
    /// line). At the prompt, `promptText` is shown and echo is turned off while typing.
    /// The longest secret read (a passphrase is a line, not a file): reading stops there, so an
    /// endless source (`/dev/zero`) is refused instead of read forever.
    public static let maximumLength = 4096

    public static func read(from source: SecretSource, promptText: String) throws -> SecureBytes {
        var bytes: [UInt8]
        switch source {
        case .file(let path):
            // Opened and read like a descriptor (only the first line), so a FIFO, `<(…)` or a
            // piped `/dev/stdin` works as well as a regular file.
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw SecretInputError.unreadable(path) }
            defer { close(descriptor) }
            var status = stat()
            guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) != S_IFDIR else {
                throw SecretInputError.unreadable(path)
            }
            bytes = try readLine(from: descriptor)
        case .fileDescriptor(let descriptor):
            guard fcntl(descriptor, F_GETFD) >= 0 else { throw SecretInputError.closedDescriptor(descriptor) }
            bytes = try readLine(from: descriptor)
        case .prompt:
            bytes = try promptWithoutEcho(promptText)
        }
        defer { Sodium.wipe(&bytes) }
        guard !bytes.isEmpty else { throw SecretInputError.empty }
        return try SecureBytes(copying: bytes)
    }

    /// Reads up to the first newline without consuming further (so several secrets can be passed
    /// on one descriptor, line after line), at most `maximumLength` bytes; a final `\r` goes.
    private static func readLine(from descriptor: Int32) throws(SecretInputError) -> [UInt8] {
        // Reserved up front so the buffer is never reallocated (leaving copies behind).
        var line: [UInt8] = []
        line.reserveCapacity(maximumLength + 1)
        var byte: UInt8 = 0
        while true {
            let count = Foundation.read(descriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count != 1 || byte == 0x0a { break }
            guard line.count < maximumLength else {
                Sodium.wipe(&line)
                throw .tooLong
            }
            line.append(byte)
        }
        if line.last == 0x0d { line.removeLast() }
        return line
    }

    private static func promptWithoutEcho(_ promptText: String) throws -> [UInt8] {
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard terminal >= 0 else { throw SecretInputError.noTerminal }
        defer { close(terminal) }
        var saved = termios()
        let haveTermios = tcgetattr(terminal, &saved) == 0
        if haveTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ICANON)
            tcsetattr(terminal, TCSAFLUSH, &quiet)
        }
        defer {
            if haveTermios { tcsetattr(terminal, TCSAFLUSH, &saved) }
            _ = "\n".withCString { Foundation.write(terminal, $0, 1) }
        }
        _ = promptText.withCString { Foundation.write(terminal, $0, strlen($0)) }
        return try readLine(from: terminal)
    }
}

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
    case noTerminal
    case empty
}

/// Reads secrets into guarded memory, one line at a time.
public enum SecretInput {
    /// Reads one secret. From a file or descriptor, the first line is taken (without its end of
    /// line). At the prompt, `promptText` is shown and echo is turned off while typing.
    public static func read(from source: SecretSource, promptText: String) throws -> SecureBytes {
        var bytes: [UInt8]
        switch source {
        case .file(let path):
            guard var data = FileManager.default.contents(atPath: path) else {
                throw SecretInputError.unreadable(path)
            }
            bytes = firstLine(Array(data))
            // Our copy of the whole file (which may hold further lines) goes as soon as it is read.
            data.withUnsafeMutableBytes { buffer in _ = buffer.initializeMemory(as: UInt8.self, repeating: 0) }
        case .fileDescriptor(let descriptor):
            bytes = firstLine(readLine(from: descriptor))
        case .prompt:
            bytes = try promptWithoutEcho(promptText)
        }
        defer { Sodium.wipe(&bytes) }
        guard !bytes.isEmpty else { throw SecretInputError.empty }
        return try SecureBytes(copying: bytes)
    }

    private static func firstLine(_ bytes: [UInt8]) -> [UInt8] {
        var line = Array(bytes.prefix { $0 != 0x0a })
        if line.last == 0x0d { line.removeLast() }
        return line
    }

    /// Reads up to the first newline without consuming further (so several secrets can be passed
    /// on one descriptor, line after line).
    private static func readLine(from descriptor: Int32) -> [UInt8] {
        // Reserved up front so the buffer is not reallocated (leaving copies behind) while it grows.
        var line: [UInt8] = []
        line.reserveCapacity(1024)
        var byte: UInt8 = 0
        while Foundation.read(descriptor, &byte, 1) == 1 {
            if byte == 0x0a { break }
            line.append(byte)
        }
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
        return firstLine(readLine(from: terminal))
    }
}

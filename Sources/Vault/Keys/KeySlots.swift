import Crypto
import Foundation

/// The key file (`vault.keys`): the vault's random data key, wrapped once per way of opening
/// the vault (the LUKS idea). It holds no health data: an identifier, KDF parameters, salts and
/// wrapped keys. Changing the passphrase rewrites this small file, never the database.
struct KeyFile: Codable, Equatable {
    static let currentFormat = 1

    var format: Int
    /// Random; bound into every slot so slots cannot be moved between vaults.
    var vaultID: String
    var slots: [KeySlot]

    init(vaultID: String, slots: [KeySlot]) {
        self.format = Self.currentFormat
        self.vaultID = vaultID
        self.slots = slots
    }

    func slot(_ kind: KeySlot.Kind) -> KeySlot? {
        slots.first { $0.kind == kind }
    }

    mutating func replace(_ slot: KeySlot) {
        slots.removeAll { $0.kind == slot.kind }
        slots.append(slot)
    }

    /// The largest key file mes writes is well under 2 KiB; anything much larger is not one.
    static let maximumSize = 64 * 1024

    static func load(from path: String) throws -> KeyFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw VaultError.notFound }
        return try decode(Array(data))
    }

    /// Reads a key file's bytes; anything that is not a well-formed key file with sane slots is
    /// damage (the file is outside the encryption, so it may have been tampered with).
    static func decode(_ bytes: [UInt8]) throws(VaultError) -> KeyFile {
        guard bytes.count <= maximumSize, let file = try? JSONDecoder().decode(KeyFile.self, from: Data(bytes)) else { throw .damaged }
        let kinds = Set(file.slots.map { $0.kind })
        guard file.format == currentFormat, kinds.count == file.slots.count, file.slots.allSatisfy({ $0.isWellFormed }) else {
            throw .damaged
        }
        return file
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(self)) + [0x0a]
    }
}

/// One way to open the vault: the data key sealed (XChaCha20-Poly1305) under a key derived with
/// Argon2id from a passphrase or a recovery key.
struct KeySlot: Codable, Equatable {
    enum Kind: String, Codable {
        case passphrase
        case recoveryKey = "recovery-key"
    }

    var kind: Kind
    var algorithm: String
    var iterations: UInt64
    var memoryBytes: Int
    /// Hexadecimal.
    var salt: String
    /// Hexadecimal: nonce, sealed data key, tag.
    var wrappedKey: String

    var parameters: Argon2idParameters { Argon2idParameters(iterations: iterations, memoryBytes: memoryBytes) }

    static let algorithmName = "argon2id13"

    /// The Argon2id costs mes accepts from a key file. mes writes at most 16 passes over
    /// 256 MiB (see `KeyDerivation.calibrate`); a file asking for far more (4 billion passes,
    /// terabytes) was tampered with, and obeying it would hang the program or exhaust memory.
    static let acceptedIterations: ClosedRange<UInt64> = 1...64
    static let acceptedMemoryBytes: ClosedRange<Int> = 8 * 1024...(1 << 30)
    /// Passes times memory: at most four times the dearest cost mes writes.
    static let acceptedWork: Int = 64 << 30

    /// True when the slot's fields have the shape and bounds mes writes.
    var isWellFormed: Bool {
        guard algorithm == Self.algorithmName else { return false }
        guard Self.acceptedIterations.contains(iterations), Self.acceptedMemoryBytes.contains(memoryBytes) else { return false }
        let work: Int = Int(iterations) * memoryBytes
        guard work <= Self.acceptedWork else { return false }
        let sealedLength: Int = XChaCha20Poly1305.nonceLength + XChaCha20Poly1305.keyLength + XChaCha20Poly1305.tagLength
        let saltCount: Int = Hex.decode(salt)?.count ?? -1
        let sealedCount: Int = Hex.decode(wrappedKey)?.count ?? -1
        return saltCount == Argon2id.saltLength && sealedCount == sealedLength
    }

    /// Wraps `dataKey` under a key derived from `secret`.
    static func wrap(_ dataKey: SecureBytes, kind: Kind, secret: SecureBytes, parameters: Argon2idParameters,
                     vaultID: String) throws -> KeySlot {
        let salt = Random.bytes(Argon2id.saltLength)
        let wrappingKey = try Argon2id.deriveKey(length: XChaCha20Poly1305.keyLength, from: secret, salt: salt, parameters: parameters)
        defer { wrappingKey.wipe() }
        let sealed = try XChaCha20Poly1305.seal(dataKey, additionalData: additionalData(kind: kind, vaultID: vaultID), key: wrappingKey)
        return KeySlot(kind: kind, algorithm: algorithmName, iterations: parameters.iterations, memoryBytes: parameters.memoryBytes,
                       salt: Hex.encode(salt), wrappedKey: Hex.encode(sealed))
    }

    /// The data key, or nil when `secret` is not the one this slot was made with.
    func unwrap(secret: SecureBytes, vaultID: String) throws -> SecureBytes? {
        guard isWellFormed, let salt = Hex.decode(salt), let sealed = Hex.decode(wrappedKey) else {
            throw VaultError.damaged
        }
        let wrappingKey: SecureBytes
        do {
            wrappingKey = try Argon2id.deriveKey(length: XChaCha20Poly1305.keyLength, from: secret, salt: salt, parameters: parameters)
        } catch {
            // Parameters libsodium refuses can only come from a damaged or tampered file.
            throw VaultError.damaged
        }
        defer { wrappingKey.wipe() }
        do {
            let key = try XChaCha20Poly1305.open(sealed, additionalData: Self.additionalData(kind: kind, vaultID: vaultID), key: wrappingKey)
            guard key.count == XChaCha20Poly1305.keyLength else { throw VaultError.damaged }
            return key
        } catch CryptoError.authenticationFailed {
            return nil
        }
    }

    private static func additionalData(kind: Kind, vaultID: String) -> [UInt8] {
        Array("mes-vault-key-slot-v1\u{0}\(vaultID)\u{0}\(kind.rawValue)".utf8)
    }
}

/// How costly the passphrase slot's Argon2id is.
public enum KeyDerivation: Sendable, Equatable {
    /// Calibrated on this machine when the vault is created (about 0.75 s, at least 64 MiB).
    case calibrated
    /// Fixed parameters (tests use cheap ones; they protect nothing).
    case fixed(Argon2idParameters)

    /// The recovery key's slot: the key carries 120 random bits, so libsodium's interactive
    /// preset (64 MiB) is plenty.
    static let recoverySlot = Argon2idParameters.interactive

    func parameters() -> Argon2idParameters {
        switch self {
        case .calibrated: Self.calibrate()
        case .fixed(let parameters): parameters
        }
    }

    /// Measures Argon2id at 64 MiB on a quiet measure, then picks memory (64, 128 or 256 MiB) and
    /// passes so one derivation takes about `target` on an idle machine.
    ///
    /// Quiet (issue 20): the probe counts the CPU time of this thread (time spent waiting for a
    /// core while other programs run is not counted) and keeps the fastest of three runs, so
    /// two vaults made minutes apart on a busy machine get the same parameters. Floor: 64 MiB
    /// and 3 passes (above libsodium's interactive preset), whatever the measure says.
    public static func calibrate(target: Duration = .milliseconds(750)) -> Argon2idParameters {
        let base = 64 * 1024 * 1024
        let probe = Argon2idParameters(iterations: 1, memoryBytes: base)
        var perPass = Duration.seconds(60)
        for _ in 0..<3 {
            guard let secret = try? SecureBytes(randomCount: 16) else { break }
            let salt = Random.bytes(Argon2id.saltLength)
            let start = threadCPUTime()
            _ = try? Argon2id.deriveKey(length: 32, from: secret, salt: salt, parameters: probe)
            perPass = min(perPass, threadCPUTime() - start)
        }
        return parameters(perPass: max(perPass, .milliseconds(1)), target: target)
    }

    /// The parameters for a machine where one pass over 64 MiB takes `perPass`: the work (passes
    /// over 64 MiB) that fits in `target`, snapped down to a coarse ladder, then as much memory
    /// as keeps at least three passes. Measures a little apart give the same parameters.
    static func parameters(perPass: Duration, target: Duration) -> Argon2idParameters {
        let base = 64 * 1024 * 1024
        let work = target / perPass
        // 15 % of slack, so a measure just under a rung (a busy moment) still reaches it.
        let rung = workLadder.last { Double($0) <= work * 1.15 } ?? minimumPasses
        let memoryFactor = [4, 2, 1].first { rung / $0 >= minimumPasses && rung % $0 == 0 } ?? 1
        return Argon2idParameters(iterations: UInt64(max(rung / memoryFactor, minimumPasses)), memoryBytes: base * memoryFactor)
    }

    /// Passes over 64 MiB a calibrated slot may cost.
    static let workLadder = [3, 4, 6, 8, 12, 16, 24, 32, 48, 64]

    /// The fewest passes a calibrated slot gets.
    static let minimumPasses = 3

    /// CPU time this thread has used.
    private static func threadCPUTime() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }
}

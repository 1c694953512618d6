import Crypto
import XCTest

final class CryptoTests: XCTestCase {
    func testSHA256OfKnownInput() {
        XCTAssertEqual(Hex.encode(SHA256.hash(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var hasher = SHA256()
        hasher.update(Array("a".utf8))
        hasher.update(Array("bc".utf8))
        let digest = hasher.finalize()
        XCTAssertEqual(Hex.encode(digest), Hex.encode(SHA256.hash(Array("abc".utf8))))
    }

    func testHexRoundTripAndRejection() {
        XCTAssertEqual(Hex.decode("00ff10Ab"), [0x00, 0xff, 0x10, 0xab])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
    }

    func testSealOpenRoundTripAndTamperDetection() throws {
        let key = try SecureBytes(randomCount: XChaCha20Poly1305.keyLength)
        let message = Array("Hypertension artérielle".utf8)
        var sealed = try XChaCha20Poly1305.seal(message, additionalData: [1, 2], key: key)
        XCTAssertEqual(sealed.count, message.count + 40)
        XCTAssertNil(sealed.firstRange(of: message))
        let opened = try XChaCha20Poly1305.open(sealed, additionalData: [1, 2], key: key)
        opened.withUnsafeBytes { XCTAssertEqual(Array($0), message) }

        XCTAssertThrowsError(try XChaCha20Poly1305.open(sealed, additionalData: [1, 3], key: key)) {
            XCTAssertEqual($0 as? CryptoError, .authenticationFailed)
        }
        sealed[30] ^= 0x01
        XCTAssertThrowsError(try XChaCha20Poly1305.open(sealed, additionalData: [1, 2], key: key)) {
            XCTAssertEqual($0 as? CryptoError, .authenticationFailed)
        }
        let otherKey = try SecureBytes(randomCount: XChaCha20Poly1305.keyLength)
        sealed[30] ^= 0x01
        XCTAssertThrowsError(try XChaCha20Poly1305.open(sealed, additionalData: [1, 2], key: otherKey))
    }

    func testArgon2idIsDeterministicPerSaltAndPasswordHashesVerify() throws {
        let secret = try SecureBytes(copying: Array("correct horse".utf8))
        let salt = Random.bytes(Argon2id.saltLength)
        let a = try Argon2id.deriveKey(length: 32, from: secret, salt: salt, parameters: .minimumForTests)
        let b = try Argon2id.deriveKey(length: 32, from: secret, salt: salt, parameters: .minimumForTests)
        let c = try Argon2id.deriveKey(length: 32, from: secret, salt: Random.bytes(Argon2id.saltLength), parameters: .minimumForTests)
        XCTAssertTrue(a.isEqual(to: b))
        XCTAssertFalse(a.isEqual(to: c))

        let hash = try Argon2id.hashPassword(secret, parameters: .minimumForTests)
        XCTAssertTrue(hash.hasPrefix("$argon2id$"))
        XCTAssertTrue(Argon2id.verifyPassword(secret, hash: hash))
        XCTAssertFalse(Argon2id.verifyPassword(try SecureBytes(copying: Array("wrong".utf8)), hash: hash))
    }

    func testWipeZeroesSecureBytes() throws {
        let secret = try SecureBytes(randomCount: 32)
        secret.wipe()
        secret.withUnsafeBytes { XCTAssertTrue($0.allSatisfy { $0 == 0 }) }
    }
}

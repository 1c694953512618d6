import Crypto
import Foundation

/// The result of `Vault.verify()`.
public struct IntegrityReport: Sendable, Equatable {
    /// What SQLite's `integrity_check` found (empty when the structure is sound).
    public var structureProblems: [String] = []
    /// The structure could not be walked at all (a page it needed failed authentication).
    public var structureUnreadable = false
    public var pagesChecked = 0
    public var framesChecked = 0
    /// Page numbers of the database file that failed authentication.
    public var damagedPages: [Int] = []
    /// Frame numbers (from 1) of the WAL that failed authentication.
    public var damagedFrames: [Int] = []

    public var isIntact: Bool { structureProblems.isEmpty && !structureUnreadable && damagedPages.isEmpty && damagedFrames.isEmpty }
}

/// Reads the files directly and checks every page's tag (no page cache, no WAL index).
struct PageVerifier {
    let cipher: PageCipher

    func verify(databasePath: String) -> IntegrityReport {
        var report = IntegrityReport()
        verifyDatabase(databasePath, into: &report)
        verifyWAL(databasePath + "-wal", into: &report)
        return report
    }

    private func verifyDatabase(_ path: String, into report: inout IntegrityReport) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        var bytes = [UInt8](data)
        defer { Sodium.wipe(&bytes) }
        let pageSize = PageFormat.pageSize
        if bytes.count % pageSize != 0 { report.damagedPages.append(bytes.count / pageSize + 1) }
        bytes.withUnsafeMutableBytes { file in
            for index in 0..<(file.count / pageSize) {
                let page = UnsafeMutableRawBufferPointer(rebasing: file[(index * pageSize)..<((index + 1) * pageSize)])
                report.pagesChecked += 1
                if (try? cipher.open(page, pageNumber: UInt32(index + 1))) == nil { report.damagedPages.append(index + 1) }
            }
        }
    }

    /// Frames of the WAL's current generation (salts equal to the header's) up to its last commit
    /// frame are checked; frames after it are an unfinished transaction, and frames with other
    /// salts are leftovers: SQLite ignores both.
    private func verifyWAL(_ path: String, into report: inout IntegrityReport) {
        guard let data = FileManager.default.contents(atPath: path), data.count >= PageFormat.walHeaderLength else { return }
        var bytes = [UInt8](data)
        defer { Sodium.wipe(&bytes) }
        let salts = Array(bytes[16..<24])
        var frames: [(offset: Int, isCommit: Bool)] = []
        var offset = PageFormat.walHeaderLength
        while offset + PageFormat.walFrameLength <= bytes.count, Array(bytes[(offset + 8)..<(offset + 16)]) == salts {
            frames.append((offset, bytes[(offset + 4)..<(offset + 8)].contains { $0 != 0 }))
            offset += PageFormat.walFrameLength
        }
        guard let lastCommit = frames.lastIndex(where: \.isCommit) else { return }
        bytes.withUnsafeMutableBytes { file in
            for (index, frame) in frames[...lastCommit].enumerated() {
                let pageNumber = UInt32(file[frame.offset]) << 24 | UInt32(file[frame.offset + 1]) << 16
                    | UInt32(file[frame.offset + 2]) << 8 | UInt32(file[frame.offset + 3])
                let pageStart = frame.offset + PageFormat.walFrameHeaderLength
                let page = UnsafeMutableRawBufferPointer(rebasing: file[pageStart..<(pageStart + PageFormat.pageSize)])
                report.framesChecked += 1
                if (try? cipher.open(page, pageNumber: pageNumber)) == nil { report.damagedFrames.append(index + 1) }
            }
        }
    }
}

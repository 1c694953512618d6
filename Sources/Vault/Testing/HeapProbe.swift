import CSQLite
import Foundation
import Glibc

/// A check of "memory after lock" (issue 21, Docs/security.md): writes a marker that only
/// SQLite ever holds in clear into the vault, reads it back (the page cache holds it), then
/// counts the marker in the process's writable memory before and after `lock()`.
///
/// The marker is `upper(L)` for 48 random lowercase letters L: the probe passes L to SQLite,
/// whose `upper()` builds the marker in SQLite's own memory, and compares memory against L
/// byte by byte minus 32, so no Swift buffer ever holds the marker itself. What is found after
/// the lock therefore lingers in memory SQLite freed — which its zeroing allocator
/// (`CSQLite/shim.h`) must have cleared — or in buffers of the VFS the lock did not wipe. Much
/// of what SQLite frees on close (its page cache) is returned to the system outright, so the
/// probe also fills a block SQLite allocates, frees it, and reads it where it was.
///
/// Run by `vault-crash-writer --heap-probe` in a process of its own, so the allocator is the one
/// the programs install before SQLite starts.
public enum HeapProbe {
    public struct Counts: Sendable, CustomStringConvertible {
        /// Copies of the marker while the vault is unlocked (greater than 0: the scan finds it).
        public var unlocked: Int
        /// Copies left once the vault is locked (0 when freed memory is zeroed).
        public var locked: Int
        /// Copies left in a block SQLite allocated, filled with the marker and freed (0: zeroed).
        public var sqliteFreedBlock: Int
        /// The control: the same with `malloc` and `free` (1: freed memory keeps its bytes, so
        /// the scan would find what SQLite's allocator left behind).
        public var plainFreedBlock: Int

        public var description: String {
            "unlocked=\(unlocked) locked=\(locked) sqlite-freed-block=\(sqliteFreedBlock) plain-freed-block=\(plainFreedBlock)"
        }
    }

    public static func run(_ vault: Vault, rows: Int = 200) throws -> Counts {
        var letters = [UInt8](repeating: 0, count: 48)
        for index in letters.indices { letters[index] = UInt8(ascii: "a") + UInt8.random(in: 0..<26) }
        // Rows of a few kilobytes (a document's extracted text, a message): larger than
        // SQLite's lookaside slots, so their buffers come from the allocator.
        let lower = String(decoding: letters, as: UTF8.self) + String(repeating: " compte rendu", count: 300)
        try vault.write { session in
            try session.database.execute("CREATE TABLE IF NOT EXISTS heap_probe (body TEXT NOT NULL)")
            for row in 0..<rows {
                try session.database.run("INSERT INTO heap_probe (body) VALUES (upper(?) || ' ' || ?)", [lower, row])
            }
        }
        let found = try vault.read { session in
            try session.database.queryFirst("SELECT count(*) FROM heap_probe WHERE body LIKE upper(?) || '%'", [lower]) { $0.int(0) }
        }
        guard found == rows else { throw ProbeError.notWritten }
        let scanner = try Scanner(lowercase: letters)
        defer { scanner.release() }
        let unlocked = try scanner.count()
        vault.lock()
        let locked = try scanner.count()
        // A released block, looked at where it was: one SQLite frees (zeroed), and the control,
        // one plain `free` releases (its bytes stay: the scan would see what SQLite left). A
        // fence after each keeps it from merging into the top of the heap, which may be trimmed.
        let sqliteBlock = sqlite3_malloc(8192)!
        let sqliteFence = sqlite3_malloc(64)
        let plainBlock = malloc(8192)!
        let plainFence = malloc(64)
        for block in [sqliteBlock, plainBlock] {
            for (index, letter) in letters.enumerated() { block.storeBytes(of: letter - 32, toByteOffset: 1024 + index, as: UInt8.self) }
        }
        sqlite3_free(sqliteBlock)
        free(plainBlock)
        let sqliteFreed = try scanner.count(in: [(UInt(bitPattern: sqliteBlock), UInt(bitPattern: sqliteBlock) + 8192)])
        let plainFreed = try scanner.count(in: [(UInt(bitPattern: plainBlock), UInt(bitPattern: plainBlock) + 8192)])
        sqlite3_free(sqliteFence)
        free(plainFence)
        return Counts(unlocked: unlocked, locked: locked, sqliteFreedBlock: sqliteFreed, plainFreedBlock: plainFreed)
    }

    enum ProbeError: Error { case notWritten, unreadableMemory }

    /// Reads the process's writable private memory through `/proc/self/mem` into a buffer of its
    /// own (mapped apart, left out of the scan, wiped after each use).
    final class Scanner {
        let lowercase: [UInt8]
        let chunk = 1 << 20
        let buffer: UnsafeMutableRawPointer

        init(lowercase: [UInt8]) throws {
            self.lowercase = lowercase
            guard let mapped = mmap(nil, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), mapped != MAP_FAILED else {
                throw ProbeError.unreadableMemory
            }
            buffer = mapped
        }

        func release() { munmap(buffer, chunk) }

        /// Writable private regions: the heap, anonymous mappings (malloc arenas, Swift's
        /// allocations), and the writable data of the loaded libraries.
        func regions() throws -> [(start: UInt, end: UInt)] {
            guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { throw ProbeError.unreadableMemory }
            let own = UInt(bitPattern: buffer)
            return maps.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count >= 5, fields[1].hasPrefix("rw"), fields[1].hasSuffix("p") else { return nil }
                let path = fields.count > 5 ? String(fields[5]) : ""
                guard !path.hasPrefix("[v") else { return nil }  // [vvar], [vsyscall]: the kernel's pages
                let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
                guard bounds.count == 2, bounds[0] != own else { return nil }
                return (bounds[0], bounds[1])
            }
        }

        /// Copies of the marker in memory now.
        func count() throws -> Int { try count(in: regions()) }

        /// Copies of the marker in the given address ranges (a range no longer mapped counts 0).
        func count(in regions: [(start: UInt, end: UInt)]) throws -> Int {
            let memory = open("/proc/self/mem", O_RDONLY)
            guard memory >= 0 else { throw ProbeError.unreadableMemory }
            defer { close(memory) }
            let length = lowercase.count
            let first = lowercase[0] - 32
            var total = 0
            for region in regions {
                var offset = region.start
                while offset < region.end {
                    // Chunks overlap by the marker's length, so a copy across a boundary counts once.
                    let size = Int(min(UInt(chunk), region.end - offset))
                    let read = pread(memory, buffer, size, off_t(Int(bitPattern: offset)))
                    if read <= 0 { break }
                    let bytes = buffer.assumingMemoryBound(to: UInt8.self)
                    var index = 0
                    while index + length <= read {
                        if bytes[index] == first {
                            var match = true
                            for k in 1..<length where bytes[index + k] != lowercase[k] - 32 {
                                match = false
                                break
                            }
                            if match { total += 1 }
                        }
                        index += 1
                    }
                    explicit_bzero(buffer, read)
                    if read < size { break }
                    offset += UInt(read)
                    if offset < region.end { offset -= UInt(length - 1) }
                }
            }
            return total
        }
    }
}

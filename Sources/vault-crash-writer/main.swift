import Crypto
import Foundation
import HealthRecord
import Vault

// vault-crash-writer DIRECTORY PASSPHRASE-FILE FIRST
//
// A test helper for the vault's crash tests: opens the vault and commits numbered transactions
// from FIRST on, forever, printing each number on standard output once its COMMIT returned.
// The test kills it with SIGKILL at a random moment and checks what survived. Transaction n
// saves `CrashWorkload.documentCount(n)` documents with contents derived from n, and now and then
// runs a checkpoint so kills also land during checkpoints and WAL restarts.
//
// vault-crash-writer --heap-probe DIRECTORY PASSPHRASE-FILE
//
// Runs `HeapProbe` (memory after lock) in this fresh process and prints its counts.

let arguments = CommandLine.arguments
if arguments.count == 4, arguments[1] == "--heap-probe" {
    do {
        guard let passphrase = FileManager.default.contents(atPath: arguments[3]) else { exit(2) }
        let vault = try Vault.open(in: VaultDirectory(URL(fileURLWithPath: arguments[2])), passphrase: SecureBytes(copying: Array(passphrase)))
        print(try HeapProbe.run(vault))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("vault-crash-writer: \(error)\n".utf8))
        exit(1)
    }
}
guard arguments.count == 4, let first = Int(arguments[3]),
      let passphrase = FileManager.default.contents(atPath: arguments[2]) else {
    FileHandle.standardError.write(Data("usage: vault-crash-writer DIRECTORY PASSPHRASE-FILE FIRST\n".utf8))
    exit(2)
}
do {
    let vault = try Vault.open(in: VaultDirectory(URL(fileURLWithPath: arguments[1])), passphrase: SecureBytes(copying: Array(passphrase)))
    var number = first
    while true {
        try vault.write { session in
            for document in CrashWorkload.documents(of: number) {
                try session.documents.save(document.metadata)
                try session.documents.saveContent(document.content)
            }
            try session.settings.set(number, for: "crash.last")
        }
        FileHandle.standardOutput.write(Data("\(number)\n".utf8))  // unbuffered: one write per commit
        if number % 7 == 0 { try vault.checkpoint() }
        number += 1
    }
} catch {
    FileHandle.standardError.write(Data("vault-crash-writer: \(error)\n".utf8))
    exit(1)
}

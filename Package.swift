// swift-tools-version:6.0
// mes — a terminal companion for Mon espace santé. No SwiftPM package dependencies:
// only the toolchain and Debian's C libraries (see Docs/ and DESIGN.md section 3).
import Foundation
import PackageDescription

/// The `-I` flags pkg-config gives for `package` (pango's own flags carry `-pthread`, which
/// SwiftPM refuses in a system library target: the PDF shim takes the include paths only).
func pkgConfigIncludes(_ package: String) -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pkg-config")
    process.arguments = ["--cflags-only-I", package]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return [] }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init).filter { $0.hasPrefix("-I") }
}

/// A Debian C library reached through pkg-config (nil where its pkg-config flags carry `-D`
/// definitions SwiftPM refuses; the module map's `link` and the shim's own defines do instead).
func systemLibrary(_ name: String, pkgConfig: String?, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "mes",
    products: [
        .executable(name: "mes", targets: ["mes"]),
        .executable(name: "mes-server", targets: ["mes-server"]),
        .executable(name: "mes-bench", targets: ["mes-bench"]),
    ],
    targets: [
        // Debian's C libraries.
        systemLibrary("CNcursesw", pkgConfig: nil, apt: "libncurses-dev"),
        systemLibrary("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        systemLibrary("CSodium", pkgConfig: "libsodium", apt: "libsodium-dev"),
        systemLibrary("CMicroHTTPD", pkgConfig: "libmicrohttpd", apt: "libmicrohttpd-dev"),
        systemLibrary("CQREncode", pkgConfig: "libqrencode", apt: "libqrencode-dev"),
        systemLibrary("CICal", pkgConfig: "libical", apt: "libical-dev"),
        systemLibrary("CKeyutils", pkgConfig: nil, apt: "libkeyutils-dev"),

        // Small C shims for what Swift cannot call (macros, variadic functions).
        .target(name: "SystemShim"),
        .target(name: "CursesShim", dependencies: ["CNcursesw"]),
        .target(name: "MicroHTTPDShim", dependencies: ["CMicroHTTPD"], linkerSettings: [.linkedLibrary("microhttpd")]),
        // The synthèse's PDF: cairo with pango (libcairo2-dev, libpango1.0-dev), behind a header of plain C types.
        .target(name: "PDFShim", cSettings: [.unsafeFlags(pkgConfigIncludes("pangocairo"))],
                linkerSettings: ["pangocairo-1.0", "pango-1.0", "gobject-2.0", "glib-2.0", "cairo"].map { .linkedLibrary($0) }),

        // Shared low level.
        .target(name: "Crypto", dependencies: ["CSodium"]),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .target(name: "L10n"),
        .target(name: "CLI", dependencies: ["L10n", "Crypto"]),
        .target(name: "Sync", dependencies: ["FHIR", "HealthRecord", "Vault", "Crypto", "Documents"]),
        .target(name: "LocalServer"),
        // Runs a program and waits, without Foundation's Process (for tmux in tests and benchmarks).
        .target(name: "ChildProcess"),

        // The wire format (FHIR R4 JSON and the mes API), shared by client and server.
        .target(name: "FHIR", dependencies: ["HealthRecord"]),
        // The reference backend: HTTP, storage, accounts, authorization, seeding.
        .target(name: "Server", dependencies: ["FHIR", "HealthRecord", "SQLite", "Crypto", "L10n", "CMicroHTTPD", "MicroHTTPDShim", "PDFShim"]),

        // The core.
        .target(name: "HealthRecord"),
        .target(name: "Vault", dependencies: ["HealthRecord", "SQLite", "Crypto", "CSQLite", "CKeyutils", "L10n"]),
        // The dossier médical's use cases (list, read, import, mask, delete, export, print) over
        // the vault, shared by the screens and the command line.
        .target(name: "Documents", dependencies: ["Vault", "FHIR", "HealthRecord", "L10n", "Crypto"]),
        // The profil médical and the mesures de santé (rubriques, measures, charts' data, growth
        // curves, the synthèse), shared by the screens and the command line.
        .target(name: "MedicalProfile", dependencies: ["Vault", "HealthRecord", "L10n", "Documents", "FHIR", "PDFShim"]),
        // The messagerie de santé's use cases (inbox, threads, replies, drafts, attachments).
        .target(name: "Messaging", dependencies: ["Documents", "Vault", "HealthRecord", "L10n"]),
        // Partage et confidentialité: access codes, sessions, blocks, emergency choices, masking,
        // the activity history and the export, shared by the screens and the command line.
        .target(name: "Sharing", dependencies: ["Sync", "Vault", "FHIR", "HealthRecord", "Documents", "L10n"]),

        // iCalendar (RFC 5545) in and out through libical.
        .target(name: "ICalendar", dependencies: ["CICal", "HealthRecord"]),
        // The agenda santé's use cases (list, add, edit, delete, import, export) and the
        // prevention engine, over the vault, shared by the screens and the command line.
        .target(name: "Agenda", dependencies: ["Vault", "HealthRecord", "ICalendar", "L10n", "Crypto"]),

        // The terminal front: a toolkit that knows nothing of health, and the app's screens.
        .target(name: "TerminalUI", dependencies: ["CNcursesw", "CursesShim", "CQREncode", "L10n"]),
        .target(name: "Features", dependencies: ["TerminalUI", "L10n", "Documents", "Agenda", "Messaging", "Sharing", "MedicalProfile", "HealthRecord", "Crypto"]),

        // Programs.
        .executableTarget(name: "mes", dependencies: ["CLI", "L10n", "SystemShim", "Vault", "Crypto", "Sync", "FHIR", "HealthRecord", "LocalServer",
                                                      "TerminalUI", "Features", "Documents", "Sharing", "Agenda", "Messaging", "MedicalProfile"]),
        .executableTarget(name: "mes-server", dependencies: ["CLI", "L10n", "Server", "FHIR"]),
        .executableTarget(name: "mes-bench", dependencies: ["Vault", "HealthRecord", "SQLite", "Crypto", "TerminalUI", "CursesShim", "L10n",
                                                            "Features", "Documents", "Agenda", "Messaging", "Sync", "FHIR", "LocalServer", "MedicalProfile", "ChildProcess"]),
        // libFuzzer harnesses, built by `make fuzz` only (Tests/Fuzz/README.md).
        .executableTarget(name: "mes-fuzz", dependencies: ["FHIR", "L10n", "TerminalUI", "Documents", "Server", "Vault", "ICalendar", "MedicalProfile"]),
        // Test helper: writes numbered transactions into a vault until it is killed (crash tests).
        .executableTarget(name: "vault-crash-writer", dependencies: ["Vault", "HealthRecord", "Crypto"]),

        // Tests.
        .target(name: "TestSupport", dependencies: ["ChildProcess"], path: "Tests/TestSupport"),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "SyncTests", dependencies: ["Sync", "FHIR", "HealthRecord", "Vault", "Crypto", "LocalServer", "TestSupport", "MedicalProfile",
                                                     "mes", "mes-server", "CLI"]),
        .testTarget(name: "L10nTests", dependencies: ["L10n"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "TestSupport"]),
        .testTarget(name: "FHIRTests", dependencies: ["FHIR", "HealthRecord"]),
        .testTarget(name: "ServerTests", dependencies: ["FHIR", "HealthRecord", "Server", "LocalServer", "TestSupport", "SQLite", "Crypto"]),
        .testTarget(name: "HealthRecordTests", dependencies: ["HealthRecord"]),
        .testTarget(name: "MedicalProfileTests", dependencies: ["MedicalProfile", "Vault", "HealthRecord", "FHIR", "Crypto", "L10n", "TestSupport"]),
        // Reads Sources/ and Package.swift: the import rules of Docs/architecture.md.
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "Sync", "Vault", "HealthRecord", "FHIR", "Crypto", "L10n", "SQLite",
                                                           "LocalServer", "TestSupport", "mes", "mes-server"]),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging", "Documents", "Sync", "Vault", "HealthRecord", "FHIR", "Crypto", "L10n",
                                                           "LocalServer", "TestSupport", "mes", "mes-server"]),
        .testTarget(name: "SharingTests", dependencies: ["Sharing", "Documents", "Sync", "Vault", "HealthRecord", "FHIR", "Crypto", "LocalServer", "L10n",
                                                         "TestSupport", "TerminalUI", "mes", "mes-server"]),
        .testTarget(name: "VaultTests", dependencies: ["Vault", "HealthRecord", "SQLite", "Crypto", "vault-crash-writer", "mes"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "L10n", "TestSupport"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "TerminalUI", "L10n", "Documents", "Agenda", "Messaging", "Sharing", "Vault", "HealthRecord", "FHIR", "Crypto",
                                                          "TestSupport", "mes"]),
        .testTarget(name: "AgendaTests", dependencies: ["Agenda", "ICalendar", "HealthRecord", "Vault", "Sync", "FHIR", "Crypto", "L10n",
                                                        "LocalServer", "TestSupport", "mes", "mes-server"]),
        // Drives the built `mes` binary in tmux (the modules prepare its vault).
        .testTarget(name: "E2ETests", dependencies: ["Documents", "FHIR", "Sharing", "Sync", "Vault", "HealthRecord", "Crypto", "LocalServer", "TestSupport",
                                                     "mes", "mes-server"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.0
// mes — a terminal companion for Mon espace santé. No SwiftPM package dependencies:
// only the toolchain and Debian's C libraries (see Docs/ and DESIGN.md section 3).
import PackageDescription

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

        // Small C shims for what Swift cannot call (macros, variadic functions).
        .target(name: "SystemShim"),
        .target(name: "CursesShim", dependencies: ["CNcursesw"]),

        // Shared low level.
        .target(name: "Crypto", dependencies: ["CSodium"]),
        .target(name: "L10n"),
        .target(name: "CLI", dependencies: ["L10n", "Crypto"]),

        // The terminal front: a toolkit that knows nothing of health, and the app's screens.
        .target(name: "TerminalUI", dependencies: ["CNcursesw", "CursesShim", "CQREncode", "L10n"]),
        .target(name: "Features", dependencies: ["TerminalUI", "L10n"]),

        // Programs.
        .executableTarget(name: "mes", dependencies: ["CLI", "L10n", "SystemShim", "TerminalUI", "Features"]),
        .executableTarget(name: "mes-server", dependencies: ["CLI", "L10n"]),
        .executableTarget(name: "mes-bench", dependencies: ["TerminalUI", "CursesShim", "L10n"]),

        // Tests.
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "L10nTests", dependencies: ["L10n"]),
        .testTarget(name: "CLITests", dependencies: ["CLI"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "L10n"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "TerminalUI", "L10n"]),
        // Drives the built `mes` binary in tmux; needs no module, only the executable.
        .testTarget(name: "E2ETests"),
    ],
    swiftLanguageModes: [.v6]
)

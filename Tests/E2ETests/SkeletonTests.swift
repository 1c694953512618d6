import Foundation
import XCTest

/// The walking skeleton, in a real terminal: open, go to a section, help, quit with confirmation.
final class SkeletonTests: XCTestCase {
    func testOpenGoToASectionOpenHelpAndQuitWithConfirmation() throws {
        let session = try TerminalSession()
        defer { session.close() }
        try session.lookAroundFirst()
        // At 80 columns the sections are a one-line tab bar.
        try session.waitFor("[1 Accueil] 2 Docs 3 Profil 4 Agenda 5 Messages 6 Partage 7 Aidants 8 Réglages", "Synchro", "Coffre")
        try session.send("4")
        try session.waitFor("Agenda, section 4 sur 8", "Bientôt disponible")
        try session.send("?")
        try session.waitFor("Aide", "aller à une section", "quitter (après confirmation)")
        try session.send("Escape")
        try session.send("q")
        try session.waitFor("Quitter mes ?")
        try session.send("n")
        try session.waitFor("Vous restez dans mes.")
        try session.send("q")
        try session.waitFor("Quitter mes ?")
        try session.send("o")
        XCTAssertEqual(try session.waitForExit(), 0)
    }

    func testASmallTerminalShowsAMessageAndRecoversOnResize() throws {
        let session = try TerminalSession(width: 60, height: 20)
        defer { session.close() }
        try session.lookAroundFirst()
        try session.waitFor("Terminal trop petit", "80x24", "60x20")
        try session.resize(width: 80, height: 24)
        try session.waitFor("1 Accueil", "8 Réglages")
        try session.send("q")
        try session.send("o")
        XCTAssertEqual(try session.waitForExit(), 0)
    }
}

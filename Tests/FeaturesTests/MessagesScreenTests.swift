import Crypto
import Documents
@testable import Features
import Foundation
import HealthRecord
import L10n
import Messaging
import TerminalUI
import TestSupport
import Vault
import XCTest

/// The Messagerie section in the app shell, driven key by key through the virtual terminal at
/// 80x24: the inbox, a thread, a reply written to the vault and the outbox, a draft kept, a
/// closed thread that says why, hostile text shown inert, an attachment saved into Documents.
@MainActor
final class MessagesScreenTests: XCTestCase {
    var vault: Vault!
    var directory: TemporaryDirectory!
    let doctor = Participant(name: "Dr Amélie Garnier", address: "Practitioner/garnier", role: .professional, profession: "Biologie médicale")
    let radiologist = Participant(name: "Dr Marc Renaud", address: "Practitioner/renaud", role: .professional, profession: "Radiologie")

    override func setUp() async throws {
        Localizer.shared.setLanguage(.french)
        directory = try TemporaryDirectory(prefix: "mes-messages-screen")
        (vault, _) = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                      passphrase: SecureBytes(copying: Array("test".utf8)), keyDerivation: .fixed(.minimumForTests))
        let now = Date()
        try vault.write { session in
            try session.profiles.save(Profile(id: "helene", relation: .own, givenName: "Hélène", familyName: "Martineau",
                                              ins: PatientIdentifier(system: "urn:oid:1.2.250.1.213.1.4.10", value: "266049900000011")),
                                      origin: .remote)
            let file = MessageFile(title: "fiche\u{1B}[31m.txt", contentType: "text/plain", data: Data("Matin : 3 mesures".utf8))
            let messages = [
                Message(id: "bio", profileID: "helene", threadID: "bio", sender: doctor, sent: now.addingTimeInterval(-3600),
                        body: "Venez à jeun.\u{1B}]0;pwned\u{07}\u{202E}", files: [file], topic: "Prélèvement à jeun"),
                Message(id: "radio", profileID: "helene", threadID: "radio", sender: radiologist, sent: now.addingTimeInterval(-86_400 * 3),
                        body: "Compte rendu normal.", topic: "Échographie"),
            ]
            for message in messages {
                try session.messages.save(message, origin: .remote)
                var thread = MessageThread(id: message.id, profileID: "helene", subject: message.topic ?? "", participants: [message.sender],
                                           isClosed: message.id == "radio", lastActivity: message.sent)
                thread.summarize(messages: [message])
                try session.threads.save(thread, origin: .remote)
            }
        }
    }

    override func tearDown() async throws {
        vault.close()
        directory.remove()
    }

    func makeRuntime(kiosk: Bool = false, environment: [String: String]? = nil) -> (Runtime<AppShell>, VirtualTerminal) {
        let messenger = Messenger(vault: vault, profileID: "helene")
        let library = DocumentLibrary(vault: vault, profileID: "helene", catalog: DocumentCatalog(shareDirectory: BuiltProducts.repository))
        let terminal = VirtualTerminal(size: .minimum)
        var services = MessagesServices(messenger: messenger, library: library, kiosk: kiosk)
        if let environment { services.environment = environment }
        let runtime = Runtime(app: AppShell(messages: services), backend: terminal)
        runtime.send(.resized(terminal.size))
        return (runtime, terminal)
    }

    func press(_ runtime: Runtime<AppShell>, _ keys: Key...) async {
        for key in keys {
            runtime.send(.key(key))
            await runtime.settle()
        }
    }

    func type(_ text: String, _ runtime: Runtime<AppShell>) async {
        for character in text { await press(runtime, character == "\n" ? .enter : .character(character)) }
    }

    /// Issue 14: `$EDITOR` is refused in kiosk mode (the terminal never leaves mes there), and
    /// outside it when no editor is set or no private tmpfs exists: the built-in editor stays,
    /// with its text, and nothing is written anywhere.
    func testTheExternalEditorIsRefusedInKioskModeAndWithoutASafePlace() async throws {
        let editor = try TemporaryDirectory(prefix: "mes-editor-refused")
        defer { editor.remove() }
        let marker = editor.url.appendingPathComponent("ran").path
        let script = editor.url.appendingPathComponent("editor").path
        try "#!/bin/sh\ntouch \(marker)\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let kioskEnvironment = ["EDITOR": script, "XDG_RUNTIME_DIR": "/dev/shm"]
        for (kiosk, environment, expected) in [
            (true, kioskEnvironment, "En mode borne, la réponse s’écrit ici"),
            (false, ["EDITOR": ""], "Aucun éditeur défini"),
        ] {
            let (runtime, terminal) = makeRuntime(kiosk: kiosk, environment: environment)
            await press(runtime, .character("5"), .enter, .character("r"))
            await type("Bonjour", runtime)
            await press(runtime, .control("e"))
            let screen = terminal.screen.text
            XCTAssertTrue(screen.contains(expected), screen)
            XCTAssertTrue(screen.contains("Réponse à Dr Amélie Garnier"), "the built-in editor stays: \(screen)")
            XCTAssertTrue(screen.contains("Bonjour"), screen)
            XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the editor never ran")
        }
        // A runtime directory on the disk is not a safe place; /dev/shm is the fallback only if tmpfs.
        XCTAssertFalse(ExternalEditor.isPrivateMemoryDirectory(editor.url.path, sharedAllowed: true))
        if ExternalEditor.isPrivateMemoryDirectory("/dev/shm", sharedAllowed: true) {
            XCTAssertEqual(ExternalEditor.privatePlace(environment: ["XDG_RUNTIME_DIR": editor.url.path]), "/dev/shm")
        } else {
            XCTAssertEqual(ExternalEditor.check(environment: ["EDITOR": script, "XDG_RUNTIME_DIR": editor.url.path]), .noPrivatePlace)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    func testInboxThreadReplyAndDraft() async throws {
        let (runtime, terminal) = makeRuntime()
        await press(runtime, .character("5"))
        var screen = terminal.screen.text
        XCTAssertTrue(screen.contains("Votre adresse de messagerie de santé : 266049900000011@patient.mssante.fr"), screen)
        XCTAssertTrue(screen.contains("Prélèvement à jeun — Dr Amélie Garnier"), screen)
        XCTAssertTrue(screen.contains("[1 non lu]"), screen)
        XCTAssertTrue(screen.contains("[1 non lu, terminée]"), screen)
        XCTAssertTrue(terminal.screen.lines.allSatisfy { $0.count <= 80 })

        // Open the thread: the message, its attachment, everything inert.
        await press(runtime, .enter)
        screen = terminal.screen.text
        XCTAssertTrue(screen.contains("Venez à jeun."), screen)
        XCTAssertTrue(screen.contains("Pièce jointe 1 : fiche^[[31m.txt"), screen)
        XCTAssertFalse(screen.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })

        // A reply kept as a draft survives; then sent: written to the vault and the outbox.
        await press(runtime, .character("r"))
        XCTAssertTrue(terminal.screen.text.contains("Réponse à Dr Amélie Garnier"))
        await type("Bonjour docteur", runtime)
        await press(runtime, .escape)
        XCTAssertEqual(try Messenger(vault: vault, profileID: "helene").draft(for: "bio")?.body, "Bonjour docteur")
        XCTAssertTrue(terminal.screen.text.contains("Brouillon en cours (15 caractères)"), terminal.screen.text)
        await press(runtime, .character("r"))
        await type(",\nje viendrai mardi.", runtime)
        await press(runtime, .control("d"))
        screen = terminal.screen.text
        XCTAssertTrue(screen.contains("je viendrai mardi."), screen)
        XCTAssertTrue(screen.contains("vous · en attente d'envoi"), screen)
        let pending = try vault.read { try $0.outbox.pending(limit: 10) }
        XCTAssertEqual(pending.map(\.kind), [.message])
        XCTAssertNil(try Messenger(vault: vault, profileID: "helene").draft(for: "bio"), "sending drops the draft")
        XCTAssertEqual(try vault.read { try $0.messages.inThread("bio") }.last?.body, "Bonjour docteur,\nje viendrai mardi.")
    }

    func testAClosedThreadSaysWhyAndAnAttachmentGoesToDocuments() async throws {
        let (runtime, terminal) = makeRuntime()
        await press(runtime, .character("5"), .down, .enter)
        XCTAssertTrue(terminal.screen.text.contains("Dr Marc Renaud a mis fin à vos échanges."), terminal.screen.text)
        await press(runtime, .character("r"))
        XCTAssertNil(runtime.app.overlay)
        XCTAssertFalse(terminal.screen.text.contains("Réponse à"), "no editor on a closed thread")
        await press(runtime, .escape, .up, .enter)
        // Open the attachment, then save it into the documents (category, then title).
        await press(runtime, .character("o"))
        XCTAssertTrue(terminal.screen.text.contains("Matin : 3 mesures"), terminal.screen.text)
        await press(runtime, .escape, .character("s"))
        XCTAssertTrue(terminal.screen.text.contains("Ranger dans quelle catégorie"), terminal.screen.text)
        await press(runtime, .enter)
        XCTAssertTrue(terminal.screen.text.contains("Titre du document"), terminal.screen.text)
        await press(runtime, .enter)
        let saved = try DocumentLibrary(vault: vault, profileID: "helene").summaries()
        XCTAssertEqual(saved.count, 1)
        XCTAssertTrue(terminal.screen.text.contains("ajouté à vos documents"), terminal.screen.text)
    }

    func testSearchAndUnreadFilter() async throws {
        let (runtime, terminal) = makeRuntime()
        await press(runtime, .character("5"), .character("/"))
        await type("compte", runtime)
        XCTAssertTrue(terminal.screen.text.contains("Recherche (saisie) : compte"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("Échographie"))
        XCTAssertFalse(terminal.screen.text.contains("Prélèvement à jeun"))
        await press(runtime, .escape)
        await press(runtime, .enter, .escape, .character("u"))
        // The search's thread stayed selected and was opened: read now, so not in the unread filter.
        XCTAssertFalse(terminal.screen.text.contains("Échographie"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("Prélèvement à jeun"), terminal.screen.text)
    }
}

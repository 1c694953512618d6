import L10n
import TerminalUI
import XCTest

final class FormAndDialogTests: XCTestCase {
    override func setUp() { Localizer.shared.setLanguage(.french) }

    private func appointmentForm() -> Form {
        Form([
            FormField(id: "title", label: "Objet", kind: .text(TextField()), required: true),
            FormField(id: "notes", label: "Notes", kind: .multilineText(TextArea(), lines: 3)),
            FormField(id: "day", label: "Date", kind: .date()),
            FormField(id: "time", label: "Heure", kind: .time()),
            FormField(id: "weight", label: "Poids", kind: .number(TextField(), unit: .kilogram, range: 1...400)),
            FormField(id: "kind", label: "Type", kind: .choice(options: ["Consultation", "Examen"], selected: 0)),
            FormField(id: "remind", label: "Rappel", kind: .checkbox(false)),
        ])
    }

    private func type(_ text: String, into form: inout Form) {
        for character in text { _ = form.handle(.character(character)) }
    }

    func testEveryFieldTypeIsDrawnInEveryVariant() {
        for variant in Variant.all {
            let screen = draw(variant) { buffer, area, context in
                appointmentForm().render(into: &buffer, area: area, context: context).cursor
            }
            for label in ["Objet", "Notes", "Date", "Heure", "Poids", "Type", "Rappel"] {
                XCTAssertTrue(screen.contains(label), "\(variant): \(label)\n\(screen.text)")
            }
            XCTAssertTrue(screen.contains("JJ/MM/AAAA"), "the date field shows its format")
            XCTAssertTrue(screen.contains("kg"))
            // A choice says which option is chosen by a symbol beside its style, and in words
            // for a screen reader.
            XCTAssertTrue(screen.contains(variant.screenReader ? "Consultation (choix 1 sur" : "(•) Consultation"), screen.text)
            XCTAssertTrue(screen.contains("[ ] désactivé"))
            XCTAssertEqual(screen.cursor, screen.find("JJ/MM").map { _ in screen.cursor } ?? nil)
            assertCommonRules(screen, variant)
        }
    }

    func testValidationMessagesAppearUnderTheWrongFields() {
        var form = appointmentForm()
        XCTAssertTrue(form.capturesText, "typing goes to the text field")
        _ = form.handle(.tab)
        _ = form.handle(.tab)
        type("31/02/2026", into: &form)
        _ = form.handle(.tab)
        type("25:00", into: &form)
        _ = form.handle(.tab)
        type("72,5x", into: &form)
        XCTAssertFalse(form.validate())
        XCTAssertEqual(form["title"]?.error, "Champ obligatoire.")
        XCTAssertEqual(form["day"]?.error, "Date invalide : saisissez JJ/MM/AAAA, par exemple 22/11/2026.")
        XCTAssertEqual(form["time"]?.error, "Heure invalide : saisissez HH:MM, par exemple 14:30.")
        XCTAssertEqual(form["weight"]?.error, "Nombre invalide : par exemple 72,5.")
        XCTAssertEqual(form.focus, 0, "the first wrong field gets the focus")
        let variant = Variant(size: .minimum, theme: .standard, screenReader: false)
        let screen = draw(variant) { buffer, area, context in form.render(into: &buffer, area: area, context: context).cursor }
        XCTAssertTrue(screen.contains("⚠ Champ obligatoire."))
        let errorPoint = screen.find("⚠ Date invalide")!
        XCTAssertEqual(screen.style(at: errorPoint), Theme(.standard).style(.error))
    }

    func testValidValuesPassAndEnterSubmits() {
        var form = appointmentForm()
        type("Cardiologue", into: &form)
        _ = form.handle(.tab)
        type("à jeun", into: &form)
        _ = form.handle(.enter)
        type("apporter l’ECG", into: &form)
        XCTAssertEqual(form["notes"]?.kind.rawText, "à jeun\napporter l’ECG")
        _ = form.handle(.tab)
        type("22/11/2026", into: &form)
        _ = form.handle(.enter)
        type("14h30", into: &form)
        _ = form.handle(.enter)
        type("72.5", into: &form)
        _ = form.handle(.enter)
        XCTAssertEqual(form.handle(.right), .changed("kind"))
        _ = form.handle(.enter)
        XCTAssertEqual(form.handle(.character(" ")), .changed("remind"))
        XCTAssertEqual(form.handle(.enter), .changed("remind"))
        XCTAssertEqual(form.handle(.character(" ")), .changed("remind"))
        XCTAssertEqual(form["remind"]?.kind, .checkbox(true))
        XCTAssertTrue(form.validate())
    }

    func testAnEmptyFormOrATinyAreaDrawsNothingAndDoesNotFail() {
        var buffer = CellBuffer(size: Size(width: 5, height: 1))
        let context = ViewContext(size: buffer.size, theme: Theme(.standard))
        XCTAssertEqual(Form([]).render(into: &buffer, area: buffer.bounds, context: context).cursor, Point(x: 0, y: 0))
        _ = appointmentForm().render(into: &buffer, area: buffer.bounds, context: context)
        var empty = Form([])
        XCTAssertEqual(empty.handle(.tab), .ignored)
    }

    func testOutOfRangeNumbers() {
        var form = Form([FormField(id: "w", label: "Poids", kind: .number(TextField("900"), unit: .kilogram, range: 1...400))])
        XCTAssertFalse(form.validate())
        XCTAssertEqual(form["w"]?.error, "Valeur hors limites : entre 1 et 400.")
    }

    func testConfirmErrorAndPromptDialogs() {
        var confirm = Dialog.confirm(title: "Supprimer", message: "Supprimer ce document ?")
        XCTAssertEqual(confirm.handle(.character("x")), .pending)
        XCTAssertEqual(confirm.handle(.enter), .cancelled, "a question starts on the safe answer")
        XCTAssertEqual(confirm.handle(.character("o")), .accepted(nil))
        XCTAssertEqual(confirm.handle(.tab), .pending)
        XCTAssertEqual(confirm.handle(.enter), .accepted(nil), "Tab moves to Oui")
        var harmless = Dialog.confirm(title: "Quitter", message: "Quitter mes ?", safeAnswer: .yes)
        XCTAssertEqual(harmless.handle(.enter), .accepted(nil))
        var error = Dialog.error(title: "Erreur", message: "Le serveur ne répond pas.")
        XCTAssertEqual(error.handle(.escape), .accepted(nil))
        var prompt = Dialog.prompt(title: "Rechercher", message: "Texte à chercher :")
        for character in "qn1" { XCTAssertEqual(prompt.handle(.character(character)), .pending) }
        XCTAssertEqual(prompt.handle(.enter), .accepted("qn1"))
        for variant in Variant.all {
            for dialog in [confirm, error, prompt] {
                let screen = draw(variant) { buffer, area, context in dialog.render(into: &buffer, area: area, context: context).cursor }
                XCTAssertTrue(screen.contains(dialog.message), "\(variant)")
                XCTAssertTrue(screen.contains("OK") || screen.contains("Oui"))
                assertCommonRules(screen, variant)
            }
        }
    }

    /// Issue 11: "aéb" then Backspace twice leaves "a" with the cursor after it, whether "é" came
    /// as one code point or as "e" and a combining accent; the same in every text field.
    func testBackspaceErasesWholeCharactersAndKeepsTheCursorInPlace() {
        for typed in [["a", "é", "b"], ["a", "e", "\u{301}", "b"]] as [[Character]] {
            var field = TextField()
            for character in typed { XCTAssertTrue(field.handle(.character(character))) }
            XCTAssertEqual(field.text, "aéb")
            XCTAssertEqual(field.cursor, 3)
            _ = field.handle(.backspace)
            XCTAssertEqual(field.text, "aé")
            XCTAssertEqual(field.cursor, 2)
            _ = field.handle(.backspace)
            XCTAssertEqual(field.text, "a")
            XCTAssertEqual(field.cursor, 1)
            var area = TextArea()
            for character in typed { _ = area.handle(.character(character)) }
            _ = area.handle(.backspace)
            _ = area.handle(.backspace)
            XCTAssertEqual(area.text, "a")
            XCTAssertEqual(area.column, 1)
        }
    }
}

import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TerminalUI

/// Section 3, Profil médical: the rubriques MES keeps, listed with their counts; each rubrique's
/// entries, added and edited in a form of typed fields (partial dates "2019", "03/2019"),
/// deleted after a question whose safe answer is No; a professional's entries read-only; the
/// mesures de santé with a line chart (target band, gaps) or a table (`t`), their unit (`u`), a
/// child's growth against the WHO curves; and the synthèse saved among the documents (`s`).
/// Reads and writes are effects; a local edit reaches the server by the shell's scheduled sync.
public struct ProfileScreen: FeatureScreen {
    enum Page: Hashable, Sendable {
        case home
        case rubrique(ProfileRubrique)
        case measures
        case measure(MeasurementType)
    }

    /// The lines of the home page.
    enum HomeItem: Hashable, Sendable {
        case rubrique(ProfileRubrique)
        case measures
        case synthesis
    }

    /// A form open over the page.
    struct Editor: Sendable {
        enum Target: Hashable, Sendable {
            case entry(ProfileRubrique, id: String?)
            case measure(MeasurementType, id: String?)
            /// The sections of the synthèse to save.
            case synthesis
            /// New directives anticipées (the form in its two variants).
            case directives
            /// A measure's target band (issue 12), synced with the profile.
            case target(MeasurementType)
        }

        var form: Form
        var target: Target
    }

    private(set) var services: ProfileServices
    private(set) var page = Page.home
    private(set) var snapshot = ProfileSnapshot()
    private(set) var list = ListState(count: 0)
    private(set) var editor: Editor?
    private(set) var showTable = false
    private(set) var units: [MeasurementType: String] = [:]
    private(set) var generation = 0
    private(set) var failure: String?
    /// The row to select once the next load arrives.
    private var pendingSelection: String?

    static let homeItems: [HomeItem] = ProfileRubrique.allCases.map(HomeItem.rubrique) + [.measures, .synthesis]

    public init(services: ProfileServices) {
        self.services = services
    }

    // MARK: FeatureScreen

    public var summary: String? { tr("profile.screen.summary") }

    public var capturesText: Bool { editor?.form.capturesText ?? false }

    public var keyMap: KeyMap {
        KeyMap(title: tr("section.medical-profile"), bindings: [
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("profile.help.move")),
            KeyBinding([.enter], tr("profile.help.open")),
            KeyBinding([.escape, .left], tr("profile.help.back")),
            KeyBinding([.character("a")], tr("profile.help.add")),
            KeyBinding([.character("e")], tr("profile.help.edit")),
            KeyBinding([.character("d")], tr("profile.help.delete")),
            KeyBinding([.character("n")], tr("profile.help.not-concerned")),
            KeyBinding([.character("t")], tr("profile.help.table")),
            KeyBinding([.character("u")], tr("profile.help.unit")),
            KeyBinding([.character("o")], tr("profile.help.target")),
            KeyBinding([.character("i")], tr("profile.help.import")),
            KeyBinding([.character("s")], tr("profile.help.synthesis")),
            KeyBinding([.character("w")], tr("profile.help.directives")),
            KeyBinding([.character("p")], tr("profile.help.space")),
        ])
    }

    public var keyHints: [KeyHint] {
        if let editor {
            if editor.target == .synthesis { return [KeyHint(.enter, tr("profile.hint.synthesis")), KeyHint(.escape, tr("profile.hint.cancel"))] }
            return [KeyHint(.enter, tr("profile.hint.next")), KeyHint(.escape, tr("profile.hint.cancel"))]
        }
        switch page {
        case .home:
            var hints = [KeyHint(.enter, tr("profile.hint.open")), KeyHint("s", tr("profile.hint.synthesis"))]
            if snapshot.spaces.count > 1 { hints.append(KeyHint("p", tr("profile.hint.space"))) }
            return hints
        case .rubrique(let rubrique):
            var hints = [KeyHint("a", tr("profile.hint.add")), KeyHint("e", tr("profile.hint.edit")), KeyHint("d", tr("profile.hint.delete"))]
            if rubrique == .allergies { hints.append(KeyHint("n", tr("profile.hint.not-concerned"))) }
            if rubrique == .wishes { hints = [KeyHint("e", tr("profile.hint.organ-donation")), KeyHint("w", tr("profile.hint.directives"))] }
            return hints + [KeyHint(.escape, tr("profile.hint.back"))]
        case .measures: return [KeyHint(.enter, tr("profile.hint.chart")), KeyHint("a", tr("profile.hint.add")), KeyHint("i", tr("profile.hint.import")),
                                KeyHint(.escape, tr("profile.hint.back"))]
        case .measure(let type):
            return [KeyHint("t", showTable ? tr("profile.hint.chart") : tr("profile.hint.table")), KeyHint("a", tr("profile.hint.add")),
                    KeyHint("u", tr("profile.hint.unit"))] + (type.allowsTarget ? [KeyHint("o", tr("profile.hint.target"))] : [])
                + [KeyHint("d", tr("profile.hint.delete")), KeyHint(.escape, tr("profile.hint.back"))]
        }
    }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear:
            return load()
        case .changed:
            return editor == nil ? load() : .handled
        case .event(let answer as Answer) where (answer.tag as? ProfileQuestion).map({ if case .lifestyleSection = $0 { true } else { false } }) == true:
            guard case .chosen(let index)? = answer.value as? Chooser.Outcome, Lifestyle.Topic.allCases.indices.contains(index) else {
                return .say(tr("profile.screen.cancelled"))
            }
            return openEntryEditor(.lifestyle, entry: nil, topic: Lifestyle.Topic.allCases[index])
        case .event(let answer as Answer) where answer.tag is ProfileQuestion && isImportQuestion(answer.tag):
            return answeredImport(answer)
        case .event(let answer as Answer):
            guard let question = answer.tag as? ProfileQuestion, case .accepted? = answer.value as? Dialog.Outcome else {
                return .say(tr("profile.screen.cancelled"))
            }
            if case .saveSynthesis = question { return .run(ProfileEffects.saveSynthesis(services, sections: []), saying: tr("profile.synthesis.working")) }
            return .run(ProfileEffects.delete(question, services: services))
        case .event(let event as ProfileEvent):
            return receive(event)
        case .event:
            return .ignored
        case .key(let key):
            if editor != nil { return handleEditorKey(key) }
            return handlePageKey(key)
        }
    }

    // MARK: Loading

    private mutating func load() -> Update {
        generation += 1
        return .run(ProfileEffects.load(page, generation: generation, services: services))
    }

    private mutating func receive(_ event: ProfileEvent) -> Update {
        switch event {
        case .loaded(let loaded, let snapshot):
            guard loaded == generation else { return .handled }
            self.snapshot = snapshot
            failure = nil
            list.setCount(rowCount)
            if let wanted = pendingSelection, let row = rowIndex(of: wanted) { list.jump(to: row, visibleRows: 10) }
            pendingSelection = nil
            return .handled
        case .importPreview(let preview, let file):
            guard !preview.measures.isEmpty else {
                return .say(Self.importQuestion(preview, file: file).split(separator: "\n").dropLast().joined(separator: " "))
            }
            return .open(Dialog.confirm(title: tr("profile.import.confirm-title", ["file": Sanitizer.sanitize(file)]),
                                        message: Self.importQuestion(preview, file: file)),
                         tag: ProfileQuestion.importMeasures(preview), saying: tr("profile.import.previewed", ["file": Sanitizer.sanitize(file)]))
        case .saved(let said, let select):
            editor = nil
            pendingSelection = select
            var update = load()
            update.announcement = said
            return update
        case .refused(let field, let message):
            if var open = editor, let field, let index = open.form.fields.firstIndex(where: { $0.id == field || $0.id.hasPrefix(field + ".") }) {
                open.form.fields[index].error = message
                open.form.focus = index
                editor = open
            }
            return .say(message)
        case .failed(let message):
            failure = message
            return .say(message)
        }
    }

    var rowCount: Int {
        switch page {
        case .home: Self.homeItems.count
        case .rubrique: snapshot.entries.count
        case .measures: snapshot.overview.count
        case .measure: snapshot.measures.count
        }
    }

    private func rowIndex(of id: String) -> Int? {
        switch page {
        case .rubrique: snapshot.entries.firstIndex { $0.id == id }
        case .measure: snapshot.measures.firstIndex { $0.id == id }.map { snapshot.measures.count - 1 - $0 }
        default: nil
        }
    }

    // MARK: Keys

    private mutating func go(_ target: Page) -> Update {
        page = target
        snapshot = ProfileSnapshot(profile: snapshot.profile)
        list = ListState(count: 0)
        showTable = false
        var update = load()
        update.announcement = pageTitle
        return update
    }

    private mutating func handlePageKey(_ key: Key) -> Update {
        if let motion = key.motion, motion != .left, motion != .right {
            list.move(motion, visibleRows: 10)
            return .say(selectedLine)
        }
        switch (page, key) {
        case (.home, .enter), (.home, .right), (.home, .character("l")):
            switch Self.homeItems[list.selected] {
            case .rubrique(let rubrique): return go(.rubrique(rubrique))
            case .measures: return go(.measures)
            case .synthesis: return askSynthesis()
            }
        case (.home, .character("s")):
            return askSynthesis()
        case (.home, .character("p")):
            let spaces = snapshot.spaces
            guard spaces.count > 1 else { return .say(tr("profile.screen.one-space")) }
            let index = spaces.firstIndex { $0.id == services.book.profileID } ?? 0
            let next = spaces[(index + 1) % spaces.count]
            services = services.switching(to: next.id)
            var update = go(.home)
            update.announcement = tr("profile.screen.space", ["name": next.displayName])
            return update
        case (.home, _):
            return .ignored
        case (_, .escape), (_, .left), (_, .character("h")):
            switch page {
            case .measure: return go(.measures)
            default: return go(.home)
            }
        case (.rubrique(.lifestyle), .character("a")):
            // MES asks one section at a time: choose it, then its questions.
            let chooser = Chooser(title: tr("profile.lifestyle.choose-section"), options: Lifestyle.Topic.allCases.map { ProfileWording.value($0.rawValue) })
            return .open(chooser, tag: ProfileQuestion.lifestyleSection, saying: chooser.title)
        case (.rubrique(let rubrique), .character("a")):
            return openEntryEditor(rubrique, entry: nil)
        case (.rubrique(let rubrique), .enter), (.rubrique(let rubrique), .character("e")):
            guard snapshot.entries.indices.contains(list.selected) else { return .handled }
            let entry = snapshot.entries[list.selected]
            guard !entry.isReadOnly else { return .say(tr("profile.error.read-only")) }
            return openEntryEditor(rubrique, entry: entry)
        case (.rubrique(let rubrique), .character("d")):
            guard snapshot.entries.indices.contains(list.selected) else { return .handled }
            let entry = snapshot.entries[list.selected]
            guard !entry.isReadOnly else { return .say(tr("profile.error.read-only")) }
            let title = ProfileWording.title(entry, vaccines: services.book.vaccines)
            return .open(Dialog.confirm(title: tr("profile.delete.title"), message: tr("profile.screen.delete-question", ["title": title])),
                         tag: ProfileQuestion.deleteEntry(rubrique, entry.id))
        case (.rubrique(.wishes), .character("w")):
            if let profile = snapshot.profile, profile.isMinor(on: CalendarDate(Date())) { return .say(ProfileWording.error(.minorSpace)) }
            editor = Editor(form: Form(ProfileForms.directivesFields()), target: .directives)
            return .say(tr("profile.directives.form-opened"))
        case (.rubrique(.allergies), .character("n")):
            return .run(ProfileEffects.declareNotConcerned(services))
        case (.measures, .enter), (.measures, .right), (.measures, .character("l")):
            guard snapshot.overview.indices.contains(list.selected) else { return .handled }
            return go(.measure(snapshot.overview[list.selected].type))
        case (.measures, .character("a")):
            guard snapshot.overview.indices.contains(list.selected) else { return .handled }
            return openMeasureEditor(snapshot.overview[list.selected].type, measure: nil)
        case (.measure(let type), .character("a")):
            return openMeasureEditor(type, measure: nil)
        case (.measure(let type), .character("o")):
            guard type.allowsTarget else { return .say(tr("profile.target.not-allowed", ["measure": ProfileWording.measure(type)])) }
            editor = Editor(form: Form(ProfileForms.targetFields(type, target: snapshot.target, unit: unit(of: type))), target: .target(type))
            return .say(tr("profile.target.form-opened", ["measure": ProfileWording.measure(type)]))
        case (.measures, .character("i")), (.measure, .character("i")):
            guard !services.kiosk else { return .say(tr("profile.import.no-file-in-kiosk")) }
            return .open(Dialog.prompt(title: tr("profile.import.title"), message: tr("profile.import.prompt")),
                         tag: ProfileQuestion.importFile, saying: tr("profile.import.prompt"))
        case (.measure, .character("t")):
            showTable.toggle()
            return .say(showTable ? tr("profile.screen.table-shown") : tr("profile.screen.chart-shown"))
        case (.measure(let type), .character("u")):
            let next = MeasureChart(type: type, measures: [], unit: unit(of: type)).nextUnit
            units[type] = next
            return .say(tr("profile.screen.unit", ["unit": MeasureUnit(rawValue: next)?.symbol ?? next]))
        case (.measure(let type), .character("e")), (.measure(let type), .enter):
            guard let measure = measure(at: list.selected), type != .bmi else { return .handled }
            return openMeasureEditor(type, measure: measure)
        case (.measure, .character("d")):
            guard let measure = measure(at: list.selected) else { return .handled }
            let question = tr("profile.screen.delete-measure", ["value": ProfileWording.value(of: measure, unit: unit(of: measure.type)),
                                                                "date": LocalFormat.dateTime(measure.effective)])
            return .open(Dialog.confirm(title: tr("profile.delete.title"), message: question), tag: ProfileQuestion.deleteMeasure(measure.id))
        default:
            return .ignored
        }
    }

    // MARK: Importing measures

    private func isImportQuestion(_ tag: any Sendable) -> Bool {
        switch tag as? ProfileQuestion {
        case .importFile?, .importMeasures?: true
        default: false
        }
    }

    /// The file named → its preview; the preview confirmed (« Non » first) → the measures saved.
    private func answeredImport(_ answer: Answer) -> Update {
        guard case .accepted(let text)? = answer.value as? Dialog.Outcome else { return .say(tr("measures.import.cancelled")) }
        switch answer.tag as? ProfileQuestion {
        case .importFile?:
            guard let path = text?.trimmingCharacters(in: .whitespaces), !path.isEmpty else { return .say(tr("measures.import.cancelled")) }
            return .run(ProfileEffects.previewImport(path, services: services), saying: tr("profile.import.reading"))
        case .importMeasures(let preview)?:
            return .run(ProfileEffects.commitImport(preview, services: services), saying: tr("profile.import.saving"))
        default:
            return .handled
        }
    }

    /// What the file holds, said before anything is saved: the counts, every bad line by its
    /// number (the first ones), the first measures; the question starts on « Non ».
    static func importQuestion(_ preview: MeasureImportPreview, file: String) -> String {
        var lines = [ProfileWording.importCounts(preview)]
        let shownProblems = 6
        lines += preview.problems.prefix(shownProblems).map { Sanitizer.sanitize(ProfileWording.problem($0)) }
        if preview.problems.count > shownProblems {
            lines.append(tr("profile.import.more-problems", ["count": String(preview.problems.count - shownProblems)]))
        }
        lines += preview.measures.prefix(3).map { "\(LocalFormat.dateTime($0.effective)) · \(ProfileWording.measure($0.type)) \(ProfileWording.value(of: $0))" }
        if preview.measures.count > 3 { lines.append("…") }
        lines.append(tr("profile.import.question"))
        return lines.joined(separator: "\n")
    }

    /// The synthèse's sections, each a checkbox (all ticked); Enter saves the PDF among the documents.
    private mutating func askSynthesis() -> Update {
        editor = Editor(form: Form(ProfileForms.synthesisFields()), target: .synthesis)
        return .say(tr("profile.synthesis.choose"))
    }

    func unit(of type: MeasurementType) -> String { units[type] ?? type.unit }

    /// The measure on a line of the table (newest first).
    func measure(at index: Int) -> HealthMeasurement? {
        let position = snapshot.measures.count - 1 - index
        return snapshot.measures.indices.contains(position) ? snapshot.measures[position] : nil
    }

    // MARK: Editors

    private mutating func openEntryEditor(_ rubrique: ProfileRubrique, entry: ProfileEntry?, topic: Lifestyle.Topic? = nil) -> Update {
        if rubrique == .wishes, entry == nil, !snapshot.entries.isEmpty { return openEntryEditor(rubrique, entry: snapshot.entries[0]) }
        // A section already answered opens with its answers.
        if rubrique == .lifestyle, entry == nil, let topic,
           let existing = snapshot.entries.first(where: { $0.values["topic"] == topic.rawValue }) {
            return openEntryEditor(rubrique, entry: existing)
        }
        let fields = ProfileForms.fields(rubrique, entry: entry, conditions: snapshot.conditions, vaccines: services.book.vaccines, topic: topic)
        editor = Editor(form: Form(fields), target: .entry(rubrique, id: entry?.id))
        return .say(tr(entry == nil ? "profile.screen.adding" : "profile.screen.editing", ["rubrique": ProfileWording.rubrique(rubrique)]))
    }

    /// A form's value refused: the field says why and takes the focus.
    private mutating func show(_ problem: ProfileForms.Problem, in open: Editor) -> Update {
        var open = open
        if let index = open.form.fields.firstIndex(where: { $0.id == problem.field }) {
            open.form.fields[index].error = problem.message
            open.form.focus = index
            editor = open
        }
        return .say(problem.message)
    }

    private mutating func openMeasureEditor(_ type: MeasurementType, measure: HealthMeasurement?) -> Update {
        guard type != .bmi else { return .say(ProfileWording.error(.computed)) }
        editor = Editor(form: Form(ProfileForms.measureFields(type, measure: measure, unit: unit(of: type))), target: .measure(type, id: measure?.id))
        return .say(tr("profile.screen.adding-measure", ["measure": ProfileWording.measure(type)]))
    }

    private mutating func handleEditorKey(_ key: Key) -> Update {
        guard var open = editor else { return .ignored }
        if key == .escape {
            editor = nil
            return .say(tr("profile.screen.cancelled"))
        }
        // The synthèse's form is all checkboxes (Space and Enter tick): Enter saves it from anywhere.
        if key == .enter, open.target == .synthesis {
            let sections = ProfileForms.synthesisSections(open.form)
            guard !sections.isEmpty else { return .say(tr("profile.synthesis.none-chosen")) }
            editor = nil
            return .run(ProfileEffects.saveSynthesis(services, sections: sections), saying: tr("profile.synthesis.working"))
        }
        let outcome = open.form.handle(key)
        editor = open
        guard outcome == .submitted else { return outcome == .ignored ? .handled : .handled }
        switch open.target {
        case .entry(let rubrique, let id):
            let values = ProfileForms.values(open.form, rubrique: rubrique, conditions: snapshot.conditions, vaccines: services.book.vaccines)
            return .run(ProfileEffects.saveEntry(rubrique, id: id, values: values, services: services))
        case .synthesis:
            let sections = ProfileForms.synthesisSections(open.form)
            guard !sections.isEmpty else { return .say(tr("profile.synthesis.none-chosen")) }
            editor = nil
            return .run(ProfileEffects.saveSynthesis(services, sections: sections), saying: tr("profile.synthesis.working"))
        case .target(let type):
            switch ProfileForms.targetValues(open.form, type: type) {
            case .success(let band):
                editor = nil
                return .run(ProfileEffects.setTarget(type, band, services: services))
            case .failure(let problem):
                return show(problem, in: open)
            }
        case .directives:
            // Closed at once: a second Enter must not write the directives twice.
            editor = nil
            return .run(ProfileEffects.writeDirectives(ProfileForms.directivesValues(open.form), services: services))
        case .measure(let type, let id):
            switch ProfileForms.measureValues(open.form, type: type) {
            case .success(let values):
                return .run(ProfileEffects.saveMeasure(type, id: id, values: values.values, unit: values.unit, date: values.date, services: services))
            case .failure(let problem):
                return show(problem, in: open)
            }
        }
    }

    // MARK: Words

    var pageTitle: String {
        switch page {
        case .home: tr("section.medical-profile")
        case .rubrique(let rubrique): ProfileWording.rubrique(rubrique)
        case .measures: tr("profile.synthesis.measures")
        case .measure(let type): ProfileWording.measure(type)
        }
    }

    /// The selected line, as the status line says it.
    var selectedLine: String? {
        guard list.count > 0 else { return nil }
        return line(list.selected).text
    }

    /// One line of the current list: its text and its marks.
    func line(_ index: Int) -> ListRow {
        switch page {
        case .home:
            switch Self.homeItems[index] {
            case .rubrique(let rubrique):
                let count = snapshot.counts[rubrique] ?? 0
                var marks = ""
                if rubrique == .allergies && snapshot.notConcerned { marks = "[" + tr("profile.screen.not-concerned-mark") + "]" }
                return ListRow(ProfileWording.rubrique(rubrique) + " (\(count))", marks: marks)
            case .measures:
                let count = snapshot.overview.reduce(0) { $0 + $1.count }
                return ListRow(tr("profile.synthesis.measures") + " (\(count))")
            case .synthesis:
                return ListRow(tr("profile.screen.synthesis-line"))
            }
        case .rubrique:
            let entry = snapshot.entries[index]
            let summary = ProfileWording.summary(entry, vaccines: services.book.vaccines)
            var marks: [String] = []
            if let author = entry.author { marks.append(tr("profile.show.written-by", ["author": author])) }
            if entry.isReadOnly { marks.append(tr("profile.show.read-only")) }
            let text = [ProfileWording.title(entry, vaccines: services.book.vaccines), summary].filter { !$0.isEmpty }.joined(separator: " — ")
            return ListRow(text, marks: marks.isEmpty ? "" : "[" + marks.joined(separator: ", ") + "]")
        case .measures:
            let item = snapshot.overview[index]
            let latest = item.latest.map { tr("profile.screen.latest", ["value": ProfileWording.value(of: $0, unit: unit(of: item.type)),
                                                                        "date": LocalFormat.date($0.effective)]) } ?? tr("profile.screen.no-measure")
            return ListRow(ProfileWording.measure(item.type) + " (\(item.count)) — " + latest)
        case .measure:
            guard let measure = measure(at: index) else { return ListRow("") }
            return ListRow(LocalFormat.dateTime(measure.effective) + "  " + ProfileWording.value(of: measure, unit: unit(of: measure.type)))
        }
    }
}

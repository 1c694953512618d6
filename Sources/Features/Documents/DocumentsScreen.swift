import Documents
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// Section 2, Documents: the list (`DocumentsList`: browsing, typing a search, search results)
/// or the reader of one document (`DocumentReader`), and the actions on documents — masking,
/// "mask all", deletion, import, export, printing — each confirmed in a dialog where it matters
/// and run as an effect. Everything from outside is drawn through `CellBuffer.put`, which
/// sanitises it.
public struct DocumentsScreen: FeatureScreen {
    let services: DocumentsServices
    private(set) var list: DocumentsList
    private(set) var reader: DocumentReader?
    /// Changes heard while a load is in flight ask for one more after it (a sync that writes
    /// page after page makes a few loads, not one per page).
    /// A document to open once the list has loaded (a line of the Accueil).
    private var openAfterLoad: String?
    private var loadAgain = false

    public init(services: DocumentsServices) {
        self.services = services
        list = DocumentsList(services: services)
    }

    // MARK: FeatureScreen

    public var capturesText: Bool { reader == nil && list.capturesText }
    public var usesWholeWidth: Bool { reader != nil }
    public var summary: String? { list.summary }
    public var keyMap: KeyMap { reader?.keyMap ?? list.keyMap }
    public var keyHints: [KeyHint] { reader?.keyHints ?? list.keyHints }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear:
            return Update(effects: load())
        case .changed(let kinds):
            // Only what this screen shows: documents (and their contents, masks…).
            guard kinds.isEmpty || kinds.contains(Self.dataKind) else { return .ignored }
            guard !list.isLoading else {
                loadAgain = true
                return .handled
            }
            return Update(effects: load())
        case .event(let answer as Answer):
            guard let action = answer.tag as? DocumentsAction else { return .ignored }
            return answered(action, answer.value)
        case .event(let loaded as VaultList<DocumentsSource>.Loaded):
            var current = list
            // Keys typed ahead may ask for something (open, mask…): carried out like a key's.
            let answer = current.update(.event(loaded))
            list = current
            var update = follow(answer)
            if let wanted = openAfterLoad, reader == nil, !list.isLoading {
                openAfterLoad = nil
                if let summary = list.selectedSummary, summary.id == wanted {
                    let opened = follow(Update(requests: [DocumentsList.Opening(summary: summary)]))
                    update.effects += opened.effects
                    update.announcement = opened.announcement ?? update.announcement
                }
            }
            if loadAgain && !list.isLoading {
                loadAgain = false
                update.effects += load()
            }
            return update
        case .event(let page as VaultList<DocumentsSource>.Paged):
            var current = list
            let update = current.update(.event(page))
            list = current
            return update
        case .event(let event as DocumentsEvent):
            return receive(event)
        case .event(let item as OpenItem):
            // A line of the Accueil: the document, selected in the list, then opened.
            reader = nil
            openAfterLoad = item.id
            return Update(effects: load(selecting: item.id))
        case .key:
            if var open = reader {
                let result = open.update(input)
                reader = open
                if result.closed != nil {
                    // Back to the list, read again (the document is read now, maybe masked).
                    reader = nil
                    return Update(effects: load(), announcement: tr("documents.viewer.closed"))
                }
                return follow(result)
            }
            var current = list
            let result = current.update(input)
            list = current
            return follow(result)
        case .event:
            return .ignored
        }
    }

    /// The kind of record this screen shows, as the shell names changed data.
    public static let dataKind = RecordKind.document.rawValue

    /// Reads the list again (keeping `id`, else the selected document), and the open
    /// document's summary.
    private mutating func load(selecting id: String? = nil) -> [Effect<any Sendable>] {
        var effects = [list.load(keeping: id ?? list.selectedSummary?.id)]
        if let reader { effects.append(DocumentsEffects.readerSummary(reader.documentID, services.library)) }
        return effects
    }

    private mutating func receive(_ event: DocumentsEvent) -> Update {
        switch event {
        case .readerSummary(let id, let summary):
            guard var open = reader, open.documentID == id else { return .handled }
            if let summary, open.refresh([summary]) {
                reader = open
                return .handled
            }
            reader = nil
            return .say(tr("documents.error.gone"))
        case .opened, .history:
            guard var open = reader else { return .handled }
            let result = open.update(.event(event))
            reader = open
            return result
        case .snippet:
            var current = list
            let result = current.update(.event(event))
            list = current
            return result
        case .maskAllPreview(let on, let changes):
            return .open(maskAllDialog(on: on, changes: changes), tag: DocumentsAction.setMaskAll(on),
                         saying: maskAllMessage(on: on, changes: changes))
        case .done(let said, let select):
            return Update(effects: load(selecting: select), announcement: said)
        case .failed(let message):
            return .say(message)
        }
    }

    /// Carries out what the list or the reader asked for.
    private mutating func follow(_ result: Update) -> Update {
        var update = result
        update.requests = []
        for request in result.requests {
            let next: Update
            switch request {
            case let opening as DocumentsList.Opening:
                reader = DocumentReader(summary: opening.summary)
                next = Update(effects: [DocumentsEffects.open(opening.summary.id, services)],
                              announcement: tr("documents.viewer.opened", ["title": opening.summary.title]))
            case is DocumentsList.Reload:
                next = Update(effects: load(), announcement: tr("documents.refreshed"))
            case let action as DocumentsAction:
                next = perform(action)
            default:
                next = Update(requests: [request])
            }
            update.effects += next.effects
            update.requests += next.requests
            update.announcement = next.announcement ?? update.announcement
            update.present = next.present ?? update.present
        }
        return update
    }

    /// An action asked from the list or the reader: done at once, or asked first in a dialog.
    private func perform(_ action: DocumentsAction) -> Update {
        let library = services.library
        switch action {
        case .toggleMask(let id):
            return .run(DocumentsEffects.toggleMask(id, library))
        case .maskAll:
            // First count what would change, then ask with the figure.
            return .run(DocumentsEffects.maskAllPreview(library))
        case .delete(let id):
            guard let summary = summary(id) else { return .say(tr("documents.error.gone")) }
            guard summary.isDeletable else { return .say(tr("documents.error.not-deletable")) }
            let message = tr("documents.delete.confirm", ["title": summary.title])
            return .open(Dialog.confirm(title: tr("documents.delete.title"), message: message), tag: action, saying: message)
        case .export(let id):
            guard !services.kiosk else { return .say(tr("documents.export.kiosk")) }
            let dialog = Dialog.prompt(title: tr("documents.export.title"), message: tr("documents.export.warning"),
                                       placeholder: tr("documents.export.placeholder"))
            return .open(dialog, tag: DocumentsAction.export(id), saying: tr("documents.export.warning"))
        case .print(let id):
            guard services.canPrint else { return .say(tr("documents.print.unavailable")) }
            return .run(DocumentsEffects.print(id, library, printer: services.printer), saying: tr("documents.print.started"))
        case .history(let id):
            return .run(DocumentsEffects.history(id, library))
        case .add:
            return .open(Dialog.prompt(title: tr("documents.add.title"), message: tr("documents.add.prompt")), tag: action,
                         saying: tr("documents.add.prompt"))
        case .chooseCategory:
            return .open(list.categoryChooser(), tag: action, saying: tr("documents.category.choose"))
        case .setMaskAll:
            return .ignored
        }
    }

    /// A dialog this screen opened has closed.
    private mutating func answered(_ action: DocumentsAction, _ value: any Sendable) -> Update {
        if case .chooseCategory = action {
            guard case .chosen(let line)? = value as? Chooser.Outcome else { return .say(tr("documents.cancelled")) }
            return list.choose(category: line)
        }
        guard case .accepted(let text)? = value as? Dialog.Outcome else { return .say(tr("documents.cancelled")) }
        let typed = text?.trimmingCharacters(in: .whitespaces) ?? ""
        switch action {
        case .delete(let id):
            return .run(DocumentsEffects.delete(id, services.library))
        case .export(let id):
            guard !typed.isEmpty else { return .say(tr("documents.cancelled")) }
            return .run(DocumentsEffects.export(id, to: typed, services))
        case .add:
            guard !typed.isEmpty else { return .say(tr("documents.cancelled")) }
            return .run(DocumentsEffects.add(typed, category: list.categoryForNewDocument, services.library))
        case .setMaskAll(let on):
            return .run(DocumentsEffects.setMaskAll(on, services))
        default:
            return .ignored
        }
    }

    private func summary(_ id: String) -> DocumentSummary? {
        if let reader, reader.documentID == id { return reader.summary }
        return list.selectedSummary?.id == id ? list.selectedSummary : nil
    }

    /// "Mask all" says what it will change, and its title says which way it goes.
    private func maskAllDialog(on: Bool, changes: Int) -> Dialog {
        Dialog.confirm(title: tr(on ? "documents.mask-all.title" : "documents.mask-all.title-off"),
                       message: maskAllMessage(on: on, changes: changes))
    }

    private func maskAllMessage(on: Bool, changes: Int) -> String {
        let preview = on ? trPlural("documents.mask-all.preview-on", count: changes)
            : trPlural("documents.mask-all.preview-off", count: changes)
        return tr(on ? "documents.mask-all.confirm-on" : "documents.mask-all.confirm-off") + " " + preview
    }
}

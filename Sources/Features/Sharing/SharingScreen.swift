import Foundation
import HealthRecord
import L10n
import Sharing
import TerminalUI

/// Section 6, Partage et confidentialité: who may see the space and how. Six tabs — Accès
/// (give a professional a code, see who is connected, "mettre fin", block), Bloqués, Urgence
/// (the three emergency choices), Masquage ("mask all", masked documents), Historique (the
/// activity history), Services (the catalogue de services, consent finalité by finalité) —
/// plus the download of all the data. Lists read the vault; changes need
/// the server and say so plainly when it cannot be reached. Every privacy-changing
/// confirmation starts on "Non".
public struct SharingScreen: FeatureScreen {
    enum Tab: Int, CaseIterable, Sendable {
        case access, blocked, emergency, masking, services, history

        var title: String {
            switch self {
            case .services: tr("sharing.tab.services")
            case .access: tr("sharing.tab.access")
            case .blocked: tr("sharing.tab.blocked")
            case .emergency: tr("sharing.tab.emergency")
            case .masking: tr("sharing.tab.masking")
            case .history: tr("sharing.tab.history")
            }
        }
    }

    /// A code just created, shown until the user leaves it.
    struct ShownCode: Sendable {
        var code: AccessCode
        var duration: AccessDuration
        var redeemBy: Date
        /// The QR code drawn alone, as large as the screen allows (`v`): at 80x24 in
        /// screen-reader mode, or in a small window, it has no room beside the words.
        var qrAlone = false
    }

    let services: SharingServices
    private(set) var tab = Tab.access
    private(set) var snapshot = SharingSnapshot()
    private(set) var lists: [Tab: ListState] = [:]
    private(set) var now: Date
    /// The form of a new code, or of a service's finalités, while it is open.
    private(set) var form: Form?
    /// The service whose finalités the open form chooses (nil: the form of a new code).
    private(set) var formService: ConnectedService?
    /// The catalogue de services as last read (from the server, else the vault's copy).
    private(set) var catalogue: [ConnectedService] = []
    private(set) var catalogueIsStale = true
    private(set) var shown: ShownCode?
    /// Set while the policy on screen is the vault's copy (the server was not reached).
    private(set) var policyIsStale = true
    private(set) var historyFilter = HistoryFilter()
    /// The history shows the holder's own actions (else what others did).
    private(set) var historyMine = false
    private(set) var failure: String?
    private var loadGeneration = 0
    private var ticking = false
    /// The entries since this date are marked new during this visit.
    private var seenAtArrival: Date?

    public init(services: SharingServices) {
        self.services = services
        now = services.clock()
    }

    // MARK: FeatureScreen

    public var summary: String? { tr("sharing.screen.summary", ["tab": tab.title]) }
    public var capturesText: Bool { form?.capturesText ?? false }

    public var keyMap: KeyMap {
        if let form { return form.keyMap }
        return KeyMap(title: tr("section.sharing"), bindings: [
            KeyBinding([.tab, .backTab], tr("sharing.help.tabs")),
            KeyBinding([.up, .down], tr("sharing.help.move")),
            KeyBinding([.character("n")], tr("sharing.help.new-code")),
            KeyBinding([.character("f")], tr("sharing.help.end")),
            KeyBinding([.character("b")], tr("sharing.help.block")),
            KeyBinding([.character("a")], tr("sharing.help.block-search")),
            KeyBinding([.character("u")], tr("sharing.help.unblock")),
            KeyBinding([.enter, .character(" ")], tr("sharing.help.toggle")),
            KeyBinding([.character("m"), .character("r"), .character("p")], tr("sharing.help.history-filters")),
            KeyBinding([.character("t")], tr("sharing.help.export")),
            KeyBinding([.character("d")], tr("sharing.help.disconnect")),
            KeyBinding([.escape], tr("sharing.help.back")),
        ])
    }

    public var keyHints: [KeyHint] {
        if form != nil {
            return [KeyHint(.enter, tr(formService == nil ? "sharing.hint.create" : "sharing.hint.consent")), KeyHint(.escape, tr("sharing.hint.cancel"))]
        }
        if let shown {
            return [KeyHint("v", tr(shown.qrAlone ? "sharing.hint.qr-back" : "sharing.hint.qr-alone")), KeyHint(.escape, tr("sharing.hint.close-code"))]
        }
        let tabs = KeyHint(.tab, tr("sharing.hint.tabs"))
        switch tab {
        case .access:
            return [KeyHint("n", tr("sharing.hint.new-code")), KeyHint("f", tr("sharing.hint.end")), KeyHint("b", tr("sharing.hint.block")), tabs]
        case .blocked:
            return [KeyHint("a", tr("sharing.hint.block-search")), KeyHint("u", tr("sharing.hint.unblock")), tabs]
        case .emergency:
            return [KeyHint(.enter, tr("sharing.hint.toggle")), tabs]
        case .masking:
            return [KeyHint(.enter, tr("sharing.hint.toggle")), KeyHint("u", tr("sharing.hint.unmask")), tabs]
        case .history:
            return [KeyHint("m", tr("sharing.hint.mine")), KeyHint("r", tr("sharing.hint.role")), KeyHint("p", tr("sharing.hint.actor")),
                    KeyHint("t", tr("sharing.hint.export")), tabs]
        case .services:
            return [KeyHint(.enter, tr("sharing.hint.finalities")), KeyHint("d", tr("sharing.hint.disconnect")), tabs]
        }
    }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear:
            now = services.clock()
            catalogue = services.center.cachedServices()
            return Update(effects: [load(), SharingEffects.fetchPolicy(services.center), SharingEffects.fetchServices(services.center)])
        case .changed(let kinds):
            guard kinds.isEmpty || !kinds.isDisjoint(with: Self.dataKinds) else { return .ignored }
            return Update(effects: [load()])
        case .event(let answer as Answer):
            guard let action = answer.tag as? SharingAction else { return .ignored }
            return answered(action, answer.value)
        case .event(let event as SharingEvent):
            return receive(event)
        case .event:
            return .ignored
        case .key(let key):
            if form != nil { return formKey(key) }
            if shown != nil {
                if key == .character("v") {
                    shown?.qrAlone.toggle()
                    return .say(tr(shown?.qrAlone == true ? "sharing.code.qr-alone" : "sharing.code.qr-back"))
                }
                guard key == .escape || key == .enter else { return .handled }
                shown = nil
                return .say(tr("sharing.code.closed"))
            }
            return listKey(key)
        }
    }

    /// The kinds of records this screen shows, as the shell names changed data.
    static let dataKinds: Set<String> = [RecordKind.accessGrant.rawValue, RecordKind.block.rawValue, RecordKind.auditEntry.rawValue,
                                         RecordKind.document.rawValue]

    private mutating func load() -> Effect<any Sendable> {
        loadGeneration += 1
        return SharingEffects.load(services.center, generation: loadGeneration, now: services.clock())
    }

    // MARK: Rows

    /// The selectable rows of the current tab.
    var rowCount: Int {
        switch tab {
        case .access: snapshot.sessions.count + snapshot.codes.count
        case .blocked: snapshot.blocks.count
        case .emergency: 3
        case .masking: 1 + snapshot.masked.count
        case .history: visibleHistory.count
        case .services: catalogue.count
        }
    }

    var visibleHistory: [AuditEntry] {
        snapshot.history.filter { historyFilter.matches($0) && ($0.actorRole == .holder) == historyMine }
    }

    var selected: Int { lists[tab]?.selected ?? 0 }

    private mutating func syncList() {
        var state = lists[tab] ?? ListState(count: rowCount)
        state.setCount(rowCount)
        lists[tab] = state
    }

    func row(_ index: Int) -> ListRow {
        switch tab {
        case .access:
            if index < snapshot.sessions.count {
                let grant = snapshot.sessions[index]
                let text = tr("sharing.screen.session", ["professional": grant.professional?.name ?? tr("sharing.professional.unknown"),
                                                         "until": LocalFormat.dateTime(grant.expires)])
                return ListRow(text, marks: grant.via == .code ? "" : "[\(SharingWording.via(grant.via))]")
            }
            let grant = snapshot.codes[index - snapshot.sessions.count]
            return ListRow(tr("sharing.screen.pending-code", ["remaining": SharingWording.remaining(until: grant.expires, now: now)]), role: .muted)
        case .blocked:
            let block = snapshot.blocks[index]
            guard case .professional(let practitioner) = block.target else { return ListRow("") }
            return ListRow(tr("sharing.blocked.item", ["professional": SharingWording.professional(practitioner),
                                                       "since": LocalFormat.date(block.created)]))
        case .emergency:
            let policy = snapshot.policy
            let (label, on) = switch index {
            case 0: (tr("sharing.emergency.samu"), !policy.opposeSamu)
            case 1: (tr("sharing.emergency.bris-de-glace"), !policy.opposeEmergency)
            default: (tr("sharing.emergency.masked"), policy.maskedVisibleInEmergency)
            }
            return ListRow(tr("sharing.screen.choice", ["label": label, "state": tr(on ? "sharing.state.on" : "sharing.state.off")]))
        case .masking:
            if index == 0 {
                return ListRow(tr("sharing.screen.mask-all", ["state": tr(snapshot.policy.maskAllDocuments ? "sharing.screen.yes" : "sharing.screen.no")]))
            }
            let document = snapshot.masked[index - 1]
            return ListRow("\(LocalFormat.date(document.creationDate))  \(document.title) — \(document.author.name)")
        case .services:
            let entry = catalogue[index]
            return ListRow("\(entry.name) — \(SharingWording.serviceState(entry))", role: entry.isConnected ? .normal : .muted)
        case .history:
            let entry = visibleHistory[index]
            let isNew = entry.concernsSomeoneElse && entry.date > (seenAtArrival ?? .distantPast)
            let who = entry.actorName.isEmpty ? SharingWording.role(entry.actorRole) : entry.actorName
            return ListRow("\(LocalFormat.dateTime(entry.date))  \(who) — \(SharingWording.what(entry))",
                           marks: isNew ? "[\(tr("sharing.screen.new"))]" : "")
        }
    }

    /// The selected line in full, under the list (lines cut in the list are whole here).
    var detail: [String] {
        guard rowCount > 0 else { return [] }
        switch tab {
        case .access:
            if let grant = selectedGrant, grant.effectiveStatus(at: now) == .active {
                return [SharingWording.professional(grant.professional),
                        tr("sharing.list.period", ["since": LocalFormat.dateTime(grant.created), "until": LocalFormat.dateTime(grant.expires),
                                                   "rubriques": SharingWording.sections(grant.sections)]),
                        tr("sharing.screen.how", ["via": SharingWording.via(grant.via)])]
            }
            guard let grant = selectedGrant else { return [] }
            return [tr("sharing.screen.code-detail", ["until": LocalFormat.dateTime(grant.expires),
                                                      "rubriques": SharingWording.sections(grant.sections)])]
        case .history:
            let entries = visibleHistory
            guard entries.indices.contains(selected) else { return [] }
            return [SharingWording.historyLine(entries[selected])]
        case .services:
            guard catalogue.indices.contains(selected) else { return [] }
            return Self.serviceDetail(catalogue[selected])
        default:
            return []
        }
    }

    /// A service: who publishes it, what it is, and each finalité with what it reads and writes.
    static func serviceDetail(_ entry: ConnectedService) -> [String] {
        let chosen = Set(entry.connection?.finalities ?? [])
        return ["\(entry.summary) — \(entry.publisher)"] + entry.finalities.map { finality in
            let mark = tr(chosen.contains(finality.id) ? "sharing.services.accepted" : "sharing.services.not-accepted")
            return "\(mark) \(finality.title) — \(SharingWording.exchanges(finality))"
        }
    }

    /// What the tab explains above its list (MES's words).
    var explanation: String {
        switch tab {
        case .access: snapshot.sessions.isEmpty ? tr("sharing.list.none") : tr("sharing.screen.access-explanation")
        case .blocked: SharingWording.blockExplanation
        case .emergency:
            tr(emergencyExplanationKey) + (policyIsStale ? " " + tr("sharing.screen.policy-stale") : "")
        case .masking: tr("sharing.screen.masking-explanation")
        case .history: historyFilterText
        case .services: tr("sharing.screen.services-explanation") + (catalogueIsStale ? " " + tr("sharing.screen.services-stale") : "")
        }
    }

    private var emergencyExplanationKey: String {
        switch selected {
        case 0: "sharing.screen.samu-explanation"
        case 1: "sharing.screen.bris-de-glace-explanation"
        default: "sharing.screen.masked-explanation"
        }
    }

    private var historyFilterText: String {
        var parts: [String] = []
        if let roles = historyFilter.roles, let role = roles.first { parts.append(SharingWording.role(role)) }
        if let actor = historyFilter.actor { parts.append(tr("ui.quoted", ["text": actor])) }
        let side = tr(historyMine ? "sharing.screen.mine" : "sharing.screen.others")
        return side + ". " + (parts.isEmpty ? tr("sharing.screen.history-all") : tr("sharing.screen.history-filtered", ["filter": parts.joined(separator: ", ")]))
    }

    // MARK: Keys

    private mutating func listKey(_ key: Key) -> Update {
        switch key {
        case .tab, .backTab:
            let step = key == .tab ? 1 : Tab.allCases.count - 1
            tab = Tab(rawValue: (tab.rawValue + step) % Tab.allCases.count) ?? .access
            syncList()
            return .say(tr("sharing.screen.tab", ["tab": tab.title, "explanation": explanation]))
        case .character("n") where tab == .access:
            form = Self.codeForm()
            return .say(tr("sharing.form.opened"))
        case .character("t"):
            guard !services.kiosk else { return .say(tr("sharing.export.kiosk")) }
            let dialog = Dialog.prompt(title: tr("sharing.export.title"), message: tr("sharing.export.warning"),
                                       placeholder: tr("sharing.export.placeholder"))
            return .open(dialog, tag: SharingAction.export, saying: tr("sharing.export.warning"))
        default:
            break
        }
        if let motion = key.motion, motion != .left, motion != .right {
            var state = lists[tab] ?? ListState(count: rowCount)
            state.move(motion, visibleRows: 10)
            lists[tab] = state
            let text = rowCount == 0 ? tr("ui.list.empty") : row(state.selected).text
            return .say(tab == .emergency ? text + ". " + explanation : text + ", " + state.position)
        }
        guard rowCount > 0 || tab == .blocked || tab == .history else { return .ignored }
        switch (tab, key) {
        case (.access, .character("f")):
            guard let grant = selectedGrant else { return .ignored }
            let name = grant.professional.map { SharingWording.professional($0) } ?? tr("sharing.screen.unused-code")
            let message = tr("sharing.screen.end-confirm", ["professional": name])
            return .open(Dialog.confirm(title: tr("sharing.screen.end-title"), message: message),
                         tag: SharingAction.end(id: grant.id, name: name), saying: message)
        case (.access, .character("b")):
            guard let grant = selectedGrant, let id = grant.practitionerID ?? grant.professional?.rpps else { return .say(tr("sharing.screen.nobody")) }
            return confirmBlock(id: id, name: SharingWording.professional(grant.professional))
        case (.blocked, .character("a")), (.access, .character("a")):
            return .open(Dialog.prompt(title: tr("sharing.screen.directory-title"), message: tr("sharing.screen.directory-prompt")),
                         tag: SharingAction.searchDirectory, saying: tr("sharing.screen.directory-prompt"))
        case (.blocked, .character("u")):
            guard snapshot.blocks.indices.contains(selected), case .professional(let who) = snapshot.blocks[selected].target else { return .ignored }
            let block = snapshot.blocks[selected]
            let name = SharingWording.professional(who)
            let message = tr("sharing.screen.unblock-confirm", ["professional": name])
            return .open(Dialog.confirm(title: tr("sharing.screen.unblock-title"), message: message),
                         tag: SharingAction.unblock(id: block.id, name: name), saying: message)
        case (.emergency, .enter), (.emergency, .character(" ")):
            let policy = snapshot.policy
            let change: PolicyChange = switch selected {
            case 0: .samu(policy.opposeSamu)
            case 1: .emergency(policy.opposeEmergency)
            default: .maskedInEmergency(!policy.maskedVisibleInEmergency)
            }
            return confirmPolicy(change)
        case (.masking, .enter) where selected == 0, (.masking, .character(" ")) where selected == 0:
            return confirmPolicy(.maskAll(!snapshot.policy.maskAllDocuments))
        case (.masking, .character("u")) where selected > 0:
            let document = snapshot.masked[selected - 1]
            let message = tr("sharing.screen.unmask-confirm", ["title": document.title])
            return .open(Dialog.confirm(title: tr("sharing.screen.unmask-title"), message: message),
                         tag: SharingAction.unmask(id: document.id, title: document.title), saying: message)
        case (.services, .enter), (.services, .character(" ")):
            let entry = catalogue[selected]
            formService = entry
            form = Self.finalityForm(entry)
            return .say(tr("sharing.services.form-opened", ["service": entry.name]) + " " + (form?.focusedField.map(Self.describe) ?? ""))
        case (.services, .character("d")):
            let entry = catalogue[selected]
            guard entry.connection != nil else { return .say(tr("sharing.services.not-connected", ["service": entry.name])) }
            let message = tr("sharing.services.disconnect-confirm", ["service": entry.name])
            return .open(Dialog.confirm(title: tr("sharing.services.disconnect-title"), message: message),
                         tag: SharingAction.disconnectService(id: entry.id, name: entry.name), saying: message)
        case (.history, .character("m")):
            historyMine.toggle()
            syncList()
            return .say(historyFilterText + ", " + tr("sharing.screen.count", ["count": String(rowCount)]))
        case (.history, .character("r")):
            let options = [tr("sharing.screen.history-everyone")] + Self.historyRoles.map(SharingWording.role)
            return .open(Chooser(title: tr("sharing.screen.role-title"), options: options), tag: SharingAction.historyRole,
                         saying: tr("sharing.screen.role-title"))
        case (.history, .character("p")):
            return .open(Dialog.prompt(title: tr("sharing.screen.actor-title"), message: tr("sharing.screen.actor-prompt"),
                                       text: historyFilter.actor ?? ""),
                         tag: SharingAction.historyActor, saying: tr("sharing.screen.actor-prompt"))
        default:
            return .ignored
        }
    }

    static let historyRoles: [AuditEntry.ActorRole] = [.professional, .caregiver, .service, .holder]

    private var selectedGrant: AccessGrant? {
        guard tab == .access else { return nil }
        if selected < snapshot.sessions.count { return snapshot.sessions[selected] }
        let index = selected - snapshot.sessions.count
        return snapshot.codes.indices.contains(index) ? snapshot.codes[index] : nil
    }

    private func confirmBlock(id: String, name: String) -> Update {
        let message = tr("sharing.screen.block-confirm", ["professional": name]) + " " + SharingWording.blockExplanation
        return .open(Dialog.confirm(title: tr("sharing.screen.block-title"), message: message),
                     tag: SharingAction.block(id: id, name: name), saying: message)
    }

    private func confirmPolicy(_ change: PolicyChange) -> Update {
        let (title, message) = switch change {
        case .samu(let on): (tr(on ? "sharing.confirm.samu-on.title" : "sharing.confirm.samu-off.title"),
                             tr(on ? "sharing.confirm.samu-on" : "sharing.confirm.samu-off"))
        case .emergency(let on): (tr(on ? "sharing.confirm.bris-de-glace-on.title" : "sharing.confirm.bris-de-glace-off.title"),
                                  tr(on ? "sharing.confirm.bris-de-glace-on" : "sharing.confirm.bris-de-glace-off"))
        case .maskedInEmergency(let on): (tr(on ? "sharing.confirm.masked-on.title" : "sharing.confirm.masked-off.title"),
                                          tr(on ? "sharing.confirm.masked-on" : "sharing.confirm.masked-off"))
        case .maskAll(let on): (tr(on ? "sharing.confirm.mask-all-on.title" : "sharing.confirm.mask-all-off.title"),
                                on ? tr("sharing.confirm.mask-all-on", ["count": String(snapshot.documentCount - snapshot.masked.count)])
                                   : tr("sharing.confirm.mask-all-off"))
        }
        return .open(Dialog.confirm(title: title, message: message), tag: SharingAction.policy(change), saying: message)
    }

    // MARK: The code form

    static func codeForm() -> Form {
        var fields = [FormField(id: "duration", label: tr("sharing.form.duration"),
                                kind: .choice(options: AccessDuration.allCases.map(SharingWording.duration), selected: 1))]
        for section in SharingWording.formOrder {
            fields.append(FormField(id: section.rawValue, label: SharingWording.section(section), kind: .checkbox(section == .documents)))
        }
        return Form(fields)
    }

    /// One checkbox per finalité, ticked as the holder consented (none for a service not connected).
    static func finalityForm(_ entry: ConnectedService) -> Form {
        let chosen = Set(entry.connection?.finalities ?? [])
        return Form(entry.finalities.map { finality in
            FormField(id: finality.id, label: finality.title, kind: .checkbox(chosen.contains(finality.id)))
        })
    }

    private mutating func formKey(_ key: Key) -> Update {
        guard var open = form else { return .ignored }
        if key == .escape {
            form = nil
            formService = nil
            return .say(tr("sharing.form.cancelled"))
        }
        if let entry = formService, key == .enter {
            let chosen = open.fields.compactMap { field -> String? in
                if case .checkbox(true) = field.kind { return field.id }
                return nil
            }
            guard !chosen.isEmpty else { return .say(tr("sharing.services.none-chosen")) }
            form = nil
            formService = nil
            let finalities = entry.finalities.filter { chosen.contains($0.id) }
            let (read, write) = entry.sections(of: chosen)
            var message = tr("sharing.services.connect-confirm", ["service": entry.name,
                                                                   "finalities": finalities.map(\.title).joined(separator: ", ")])
            if !read.isEmpty { message += " " + tr("sharing.services.confirm-reads", ["rubriques": SharingWording.sections(read)]) }
            if !write.isEmpty { message += " " + tr("sharing.services.confirm-writes", ["rubriques": SharingWording.sections(write)]) }
            return .open(Dialog.confirm(title: tr("sharing.services.connect-title"), message: message),
                         tag: SharingAction.connectService(id: entry.id, name: entry.name, finalities: chosen), saying: message)
        }
        // Enter creates the code from anywhere in the form (Space ticks, ← → change the duration).
        guard key == .enter else {
            _ = open.handle(key)
            form = open
            if let field = open.focusedField { return .say(Self.describe(field)) }
            return .handled
        }
        var sections: [HealthRecord.Section] = []
        var duration = AccessDuration.twoHours
        for field in open.fields {
            switch field.kind {
            case .choice(_, let selected): duration = AccessDuration.allCases[min(selected, AccessDuration.allCases.count - 1)]
            case .checkbox(true): if let section = HealthRecord.Section(rawValue: field.id) { sections.append(section) }
            default: break
            }
        }
        guard !sections.isEmpty else { return .say(tr("sharing.form.no-rubrique")) }
        form = nil
        return .run(SharingEffects.createCode(services.center, duration: duration, sections: sections), saying: tr("sharing.form.creating"))
    }

    static func describe(_ field: FormField) -> String {
        switch field.kind {
        case .choice(let options, let selected):
            tr("sharing.screen.choice", ["label": field.label, "state": options.indices.contains(selected) ? options[selected] : ""])
        case .checkbox(let on): tr("sharing.screen.choice", ["label": field.label, "state": tr(on ? "sharing.form.checked" : "sharing.form.unchecked")])
        default: field.label
        }
    }

    // MARK: Answers and events

    private mutating func answered(_ action: SharingAction, _ value: any Sendable) -> Update {
        let center = services.center
        switch action {
        case .historyRole:
            guard case .chosen(let line)? = value as? Chooser.Outcome else { return .say(tr("sharing.screen.cancelled")) }
            historyFilter.roles = line == 0 ? nil : [Self.historyRoles[line - 1]]
            syncList()
            return .say(historyFilterText + ", " + tr("sharing.screen.count", ["count": String(rowCount)]))
        case .chooseProfessional(let found):
            guard case .chosen(let line)? = value as? Chooser.Outcome, found.indices.contains(line) else { return .say(tr("sharing.screen.cancelled")) }
            return confirmBlock(id: found[line].id, name: SharingWording.professional(found[line].practitioner))
        default:
            break
        }
        guard case .accepted(let text)? = value as? Dialog.Outcome else { return .say(tr("sharing.screen.cancelled")) }
        let typed = text?.trimmingCharacters(in: .whitespaces) ?? ""
        switch action {
        case .end(let id, _):
            return .run(SharingEffects.run(tr("sharing.end.done")) { () async throws(SharingError) in try await center.end(id) },
                        saying: tr("sharing.screen.working"))
        case .block(let id, let name):
            return .run(SharingEffects.run(tr("sharing.block.done", ["professional": name])) { () async throws(SharingError) in
                try await center.block(id)
            }, saying: tr("sharing.screen.working"))
        case .unblock(let id, _):
            return .run(SharingEffects.run(tr("sharing.unblock.done")) { () async throws(SharingError) in try await center.unblock(id) },
                        saying: tr("sharing.screen.working"))
        case .policy(let change):
            return .run(SharingEffects.run(tr("sharing.screen.policy-saved")) { () async throws(SharingError) in
                try await center.setPolicy { change.apply(&$0) }
            }, saying: tr("sharing.screen.working"))
        case .unmask(let id, let title):
            return .run(SharingEffects.unmask(id, title: title, center))
        case .searchDirectory:
            guard !typed.isEmpty else { return .say(tr("sharing.screen.cancelled")) }
            return .run(SharingEffects.searchDirectory(typed, center), saying: tr("sharing.screen.working"))
        case .historyActor:
            historyFilter.actor = typed.isEmpty ? nil : typed
            syncList()
            return .say(historyFilterText + ", " + tr("sharing.screen.count", ["count": String(rowCount)]))
        case .export:
            guard !typed.isEmpty else { return .say(tr("sharing.screen.cancelled")) }
            return .run(SharingEffects.export(to: typed, services), saying: tr("sharing.screen.working"))
        case .connectService(let id, let name, let finalities):
            return .run(SharingEffects.run(tr("sharing.services.connected", ["service": name])) { () async throws(SharingError) in
                try await center.connect(service: id, finalities: finalities)
            }, saying: tr("sharing.screen.working"))
        case .disconnectService(let id, let name):
            return .run(SharingEffects.run(tr("sharing.services.disconnected", ["service": name])) { () async throws(SharingError) in
                try await center.disconnect(service: id)
            }, saying: tr("sharing.screen.working"))
        case .historyRole, .chooseProfessional:
            return .ignored
        }
    }

    private mutating func receive(_ event: SharingEvent) -> Update {
        switch event {
        case .loaded(let generation, let result):
            guard generation == loadGeneration else { return .handled }
            now = services.clock()
            switch result {
            case .success(let loaded):
                let policy = snapshot.policy
                let staleBefore = policyIsStale
                snapshot = loaded
                if !staleBefore { snapshot.policy = policy }
                failure = nil
                if seenAtArrival == nil {
                    seenAtArrival = loaded.historySeen ?? .distantPast
                    syncList()
                    return Update(effects: [SharingEffects.markHistorySeen(services.center, at: now)])
                }
            case .failure(let error):
                failure = error.message
            }
            syncList()
            return .handled
        case .policy(let result):
            switch result {
            case .success(let policy):
                snapshot.policy = policy
                policyIsStale = false
                return .handled
            case .failure(let error):
                policyIsStale = true
                return error == .offline ? .say(tr("sharing.screen.offline")) : .handled
            }
        case .codeCreated(let result, let duration):
            switch result {
            case .success(let code):
                shown = ShownCode(code: code, duration: duration, redeemBy: code.redeemDeadline ?? services.clock().addingTimeInterval(3600))
                now = services.clock()
                var update = Update(effects: [load()], announcement: tr("sharing.code.spoken", ["digits": SharingWording.spokenCode(code.code)]))
                if !ticking {
                    ticking = true
                    update.effects.append(SharingEffects.tick())
                }
                return update
            case .failure(let error):
                return .say(SharingWording.error(error))
            }
        case .directory(let result):
            switch result {
            case .success(let found):
                guard !found.isEmpty else { return .say(tr("sharing.directory.none")) }
                let options = found.map { SharingWording.professional($0.practitioner) }
                return .open(Chooser(title: tr("sharing.screen.directory-title"), options: options),
                             tag: SharingAction.chooseProfessional(found), saying: trPlural("sharing.screen.directory-found", count: found.count))
            case .failure(let error):
                return .say(SharingWording.error(error))
            }
        case .services(let result):
            switch result {
            case .success(let entries):
                catalogue = entries
                catalogueIsStale = false
            case .failure:
                catalogueIsStale = true
            }
            syncList()
            return .handled
        case .done(let said):
            return Update(effects: [load(), SharingEffects.fetchPolicy(services.center), SharingEffects.fetchServices(services.center)],
                          announcement: said.isEmpty ? nil : said)
        case .failed(let message):
            return .say(message)
        case .tick:
            now = services.clock()
            guard shown != nil else {
                ticking = false
                return .handled
            }
            // Every 15 seconds, ask the shell for a sync: a redeemed code then shows who came in.
            let seconds = Int(now.timeIntervalSince1970)
            return Update(effects: [SharingEffects.tick()], requests: seconds % 15 == 0 ? [ShellRequest.syncNow] : [])
        }
    }

    /// The professional who used the shown code, once a sync has brought the session.
    var redeemer: AccessGrant? {
        guard let shown else { return nil }
        return snapshot.sessions.first { $0.id == shown.code.consentID }
    }

    // MARK: Drawing

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        guard !area.isEmpty else { return Rendered() }
        if let form { return renderForm(form, into: &buffer, area: area, context: context) }
        if let shown { return renderCode(shown, into: &buffer, area: area, context: context) }
        Tabs.render(Tab.allCases.map(\.title), selected: tab.rawValue, into: &buffer, area: area, context: context, focused: false)
        var y = area.y + 2
        if let failure {
            buffer.put(failure, at: Point(x: area.x, y: y), style: context.style(.error), maxWidth: area.width)
            return Rendered(cursor: Point(x: area.x, y: y))
        }
        for line in TextLayout.wrap(explanation, width: area.width).prefix(max(1, (area.height - 4) / 3)) {
            buffer.put(line, at: Point(x: area.x, y: y), style: context.style(.muted), maxWidth: area.width)
            y += 1
        }
        y += 1
        let details = detail.flatMap { TextLayout.wrap($0, width: area.width) }
        let detailHeight = details.isEmpty ? 0 : min(details.count + 1, max(0, area.maxY - y - 3))
        let listArea = Rect(x: area.x, y: y, width: area.width, height: max(0, area.maxY - y - detailHeight))
        let state = lists[tab] ?? ListState(count: rowCount)
        let cursor = ListView.render(state, rows: row, into: &buffer, area: listArea, context: context, focused: true)
        for (offset, line) in details.prefix(max(0, detailHeight - 1)).enumerated() {
            buffer.put(line, at: Point(x: area.x, y: listArea.maxY + 1 + offset), style: context.style(.normal), maxWidth: area.width)
        }
        return Rendered(cursor: cursor)
    }

    private func renderForm(_ form: Form, into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        let title = formService.map { tr("sharing.services.form-title", ["service": $0.name]) } ?? tr("sharing.form.title")
        let explanation = formService.map { _ in tr("sharing.services.form-explanation") } ?? tr("sharing.form.explanation")
        buffer.put(title, at: area.origin, style: context.style(.title), maxWidth: area.width)
        var y = area.y + 1
        for line in TextLayout.wrap(explanation, width: area.width).prefix(2) {
            buffer.put(line, at: Point(x: area.x, y: y), style: context.style(.muted), maxWidth: area.width)
            y += 1
        }
        // A service's form: its checkboxes, then what each finalité reads and writes, in full.
        let details = formService.map { Self.serviceDetail($0).flatMap { TextLayout.wrap($0, width: area.width) } } ?? []
        let formHeight = formService == nil ? max(0, area.maxY - y - 1) : min(max(0, area.maxY - y - 1), form.fields.count * 2)
        let formArea = Rect(x: area.x, y: y + 1, width: area.width, height: formHeight)
        let rendered = form.render(into: &buffer, area: formArea, context: context)
        var detailY = formArea.maxY + 1
        for line in details where detailY < area.maxY {
            buffer.put(line, at: Point(x: area.x, y: detailY), style: context.style(.normal), maxWidth: area.width)
            detailY += 1
        }
        return rendered
    }

    private func renderCode(_ shown: ShownCode, into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        let matrix = QRMatrix(shown.code.qrPayload)
        let qrSize = matrix.map { QRCodeBlock.size(of: $0, symbols: context.symbols) } ?? Size(width: 0, height: 0)
        if shown.qrAlone, let matrix {
            // Centred, nothing else: the words are one key (v) away and on the status line.
            let origin = Point(x: area.x + max(0, (area.width - qrSize.width) / 2), y: area.y + max(0, (area.height - qrSize.height) / 2))
            QRCodeBlock.render(matrix, into: &buffer, area: Rect(x: origin.x, y: origin.y, width: area.maxX - origin.x, height: area.maxY - origin.y),
                               context: context)
            return Rendered(cursor: origin)
        }
        let sideBySide = !context.screenReader && qrSize.width + 36 <= area.width && qrSize.height <= area.height
        let textWidth = sideBySide ? area.width - qrSize.width - 2 : area.width
        var y = area.y
        func line(_ text: String, _ role: Role = .normal) {
            for part in TextLayout.wrap(text, width: textWidth) where y < area.maxY {
                buffer.put(part, at: Point(x: area.x, y: y), style: context.style(role), maxWidth: textWidth)
                y += 1
            }
        }
        line(tr("sharing.code.title"), .title)
        let cursor = Point(x: area.x, y: y)
        if context.screenReader {
            line(tr("sharing.code.spoken", ["digits": SharingWording.spokenCode(shown.code.code)]), .focus)
        } else {
            let grouped = SharingWording.groupedCode(shown.code.code)
            if BigDigits.render(grouped, at: Point(x: area.x + 1, y: y), width: textWidth - 1, into: &buffer, style: context.style(.accent)) {
                y += 3
            }
            line(tr("sharing.code.created", ["code": grouped]), .focus)
        }
        line(tr("sharing.code.for", ["duration": SharingWording.duration(shown.duration),
                                     "rubriques": SharingWording.sections(Set(shown.code.rubriques))]))
        if let redeemer {
            line(tr("sharing.code.redeemed", ["professional": SharingWording.professional(redeemer.professional)]), .accent)
        } else if now >= shown.redeemBy {
            line(tr("sharing.code.expired"), .warning)
        } else {
            line(tr("sharing.code.countdown", ["remaining": SharingWording.remaining(until: shown.redeemBy, now: now)]))
        }
        line(tr("sharing.code.how"), .muted)
        if let matrix {
            let origin = sideBySide ? Point(x: area.maxX - qrSize.width, y: area.y) : Point(x: area.x, y: y + 1)
            let room = Rect(x: origin.x, y: origin.y, width: area.maxX - origin.x, height: area.maxY - origin.y)
            if qrSize.fits(in: room.size) {
                QRCodeBlock.render(matrix, into: &buffer, area: room, context: context)
            } else {
                y += 1
                line(tr("sharing.code.qr-key"), .accent)
            }
        }
        return Rendered(cursor: cursor)
    }
}

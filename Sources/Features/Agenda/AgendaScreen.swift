import Agenda
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// Section 4, Agenda santé: the month grid with its busy days marked and the selected day's
/// items beside it, what is coming, and the recommended examinations with their reasons. The
/// user's own rendez-vous and rappels are added, changed and deleted here (each change is an
/// effect writing the vault and its outbox, so it reaches the server while the app runs); items
/// from a professional or a booking service say where they come from and stay read-only. In
/// screen-reader mode the month is a linear list by date, the cursor on the focused line.
public struct AgendaScreen: FeatureScreen {
    enum View: Hashable, Sendable { case month, upcoming, prevention }

    let services: AgendaServices
    private(set) var view = View.month
    private(set) var calendar: MonthCalendar
    /// The month the items below were read for (the grid may have moved on already).
    private(set) var loadedMonth: (year: Int, month: Int)?
    private(set) var monthItems: [AgendaEvent] = []
    /// In month view: the selected day's list has the focus (else the grid).
    private(set) var inDay = false
    private(set) var dayList = ListState(count: 0)
    private(set) var upcoming: [AgendaEvent] = []
    private(set) var upcomingList = ListState(count: 0)
    private(set) var prevention: [PreventionItem] = []
    private(set) var preventionList = ListState(count: 0)
    private(set) var preventionNote: String?
    /// A recommendation an Accueil line opened, selected once the recommendations are read.
    private(set) var pendingRule: String?
    /// The item whose detail is open.
    private(set) var detail: AgendaEvent?
    private(set) var failure: String?
    private var generation = 0

    public init(services: AgendaServices) {
        self.services = services
        let today = services.today
        calendar = MonthCalendar(year: today.year, month: today.month, day: today.day,
                                 today: DateComponents(year: today.year, month: today.month, day: today.day))
    }

    // MARK: Data

    var selectedDay: CalendarDate { CalendarDate(year: calendar.year, month: calendar.month, day: calendar.day)! }

    var dayItems: [AgendaEvent] {
        guard let loadedMonth, loadedMonth == (calendar.year, calendar.month) else { return [] }
        return monthItems.filter { CalendarDate($0.start) == selectedDay }
    }

    var selectedEvent: AgendaEvent? {
        switch view {
        case .month:
            let items = dayItems
            return inDay && items.indices.contains(dayList.selected) ? items[dayList.selected] : nil
        case .upcoming: return upcoming.indices.contains(upcomingList.selected) ? upcoming[upcomingList.selected] : nil
        case .prevention: return nil
        }
    }

    var selectedRecommendation: PreventionItem? {
        view == .prevention && prevention.indices.contains(preventionList.selected) ? prevention[preventionList.selected] : nil
    }

    /// Reads the shown month, what is coming and the recommendations (an effect).
    mutating func load() -> Effect<any Sendable> {
        generation += 1
        let (book, year, month, now, number) = (services.book, calendar.year, calendar.month, services.now(), generation)
        return Effect {
            do {
                let (items, busy) = try book.month(year: year, month: month)
                let coming = try book.upcoming(from: now)
                var recommendations: [PreventionItem] = []
                var note: String?
                if try book.personalisedRecommendations() {
                    do { recommendations = try book.recommendations(on: CalendarDate(now)) } catch let error as AgendaError {
                        note = AgendaWording.error(error)
                    }
                } else {
                    note = tr("prevention.list.off")
                }
                return AgendaEvent.Loaded(generation: number, year: year, month: month, items: items, busy: busy, upcoming: coming,
                                          prevention: recommendations, note: note)
            } catch {
                return AgendaScreenEvent.failed(tr("agenda.screen.unreadable"))
            }
        }
    }

    // MARK: Component

    public var capturesText: Bool { false }

    public var summary: String? {
        guard loadedMonth != nil else { return nil }
        let due = prevention.filter { $0.status == .due || $0.status == .overdue }.count
        return tr("agenda.screen.summary", ["coming": String(upcoming.count), "due": trPlural("agenda.screen.due", count: due)])
    }

    public var keyMap: KeyMap {
        if detail != nil {
            return KeyMap(title: tr("agenda.detail.title"), bindings: [
                KeyBinding([.character("e")], tr("agenda.help.edit")), KeyBinding([.character("d")], tr("agenda.help.delete")),
                KeyBinding([.escape], tr("agenda.help.back")),
            ])
        }
        var bindings = [KeyBinding([.character("m"), .character("v"), .character("p")], tr("agenda.help.views"))]
        switch view {
        case .month:
            bindings += [
                KeyBinding([.left, .right, .character("h"), .character("l")], tr("agenda.help.day")),
                KeyBinding([.up, .down, .character("k"), .character("j")], tr("agenda.help.week")),
                KeyBinding([.pageUp, .pageDown], tr("agenda.help.month")),
                KeyBinding([.character("t")], tr("agenda.help.today")),
                KeyBinding([.enter], tr("agenda.help.open")),
            ]
        case .upcoming:
            bindings += [KeyBinding([.up, .down], tr("agenda.help.move")), KeyBinding([.enter], tr("agenda.help.open"))]
        case .prevention:
            bindings += [
                KeyBinding([.up, .down], tr("agenda.help.move")),
                KeyBinding([.character("f")], tr("agenda.help.done")),
                KeyBinding([.character("r")], tr("agenda.help.plan")),
                KeyBinding([.character("c")], tr("agenda.help.dismiss")),
                KeyBinding([.character("o")], tr("agenda.help.personalised")),
            ]
        }
        bindings += [
            KeyBinding([.character("a")], tr("agenda.help.add")),
            KeyBinding([.character("e"), .character("d")], tr("agenda.help.edit-delete")),
            KeyBinding([.character("x")], tr("agenda.help.export")),
            KeyBinding([.character("i")], tr("agenda.help.import")),
        ]
        return KeyMap(title: tr("section.agenda"), bindings: bindings)
    }

    public var keyHints: [KeyHint] {
        if let detail {
            return [KeyHint(.escape, tr("agenda.hint.back"))] + (detail.isReadOnly ? [] : [KeyHint("e", tr("agenda.hint.edit")), KeyHint("d", tr("agenda.hint.delete"))])
        }
        switch view {
        case .prevention:
            return [KeyHint("f", tr("agenda.hint.done")), KeyHint("r", tr("agenda.hint.plan")), KeyHint("c", tr("agenda.hint.dismiss")),
                    KeyHint("m", tr("agenda.hint.month"))]
        case .upcoming:
            return [KeyHint(.enter, tr("agenda.hint.open")), KeyHint("a", tr("agenda.hint.add")), KeyHint("m", tr("agenda.hint.month"))]
        case .month:
            return [KeyHint(.enter, tr("agenda.hint.open")), KeyHint("a", tr("agenda.hint.add")), KeyHint("t", tr("agenda.hint.today")),
                    KeyHint("v", tr("agenda.hint.upcoming")), KeyHint("p", tr("agenda.hint.prevention")), KeyHint("x", tr("agenda.hint.export"))]
        }
    }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear:
            return Update(effects: [load()])
        case .changed(let kinds):
            guard kinds.isEmpty || kinds.contains(RecordKind.agendaEvent.rawValue) || kinds.contains(RecordKind.vaccination.rawValue)
                    || kinds.contains(RecordKind.profile.rawValue) else { return .ignored }
            return Update(effects: [load()])
        case .event(let loaded as AgendaEvent.Loaded):
            guard loaded.generation == generation else { return .handled }
            let first = loadedMonth == nil
            apply(loaded)
            return first ? .say(summary) : .handled
        case .event(let event as AgendaScreenEvent):
            switch event {
            case .failed(let message):
                return .say(message)
            case .done(let message, let day):
                if let day { calendar = MonthCalendar(year: day.year, month: day.month, day: day.day, today: calendar.today) }
                detail = nil
                inDay = false
                return Update(effects: [load()], announcement: message)
            }
        case .event(let answer as Answer):
            return answered(answer)
        case .event(let item as OpenItem):
            return open(item)
        case .event(let opened as OpenedAgendaItem):
            let day = CalendarDate(opened.event.start)
            calendar = MonthCalendar(year: day.year, month: day.month, day: day.day, today: calendar.today)
            view = .month
            detail = opened.event
            return Update(effects: [load()], announcement: AgendaDetail.lines(opened.event).joined(separator: ". "))
        case .event(let preview as AgendaImportPreviewBox):
            let counts = AgendaWording.importCounts(preview.preview)
            let problems = preview.preview.problems.prefix(3).map { Sanitizer.sanitize($0.event) + " — " + AgendaWording.problem($0.reason) }
            guard !preview.preview.new.isEmpty else { return .say(counts) }
            return .open(Dialog.confirm(title: tr("agenda.import.title"),
                                        message: ([counts] + problems + [tr("agenda.import.question")]).joined(separator: " ")),
                         tag: AgendaAction.applyImport(preview))
        case .event:
            return .ignored
        case .key(let key):
            if let open = detail { return handleDetail(key, open) }
            return handleBrowse(key)
        }
    }

    private mutating func apply(_ loaded: AgendaEvent.Loaded) {
        loadedMonth = (loaded.year, loaded.month)
        monthItems = loaded.items
        calendar.markedDays = loaded.busy
        upcoming = loaded.upcoming
        prevention = loaded.prevention
        preventionNote = loaded.note
        dayList.setCount(dayItems.count)
        upcomingList.setCount(upcoming.count)
        preventionList.setCount(prevention.count)
        if let rule = pendingRule, let index = prevention.firstIndex(where: { $0.rule.id == rule }) {
            preventionList = ListState(count: prevention.count, selected: index)
            pendingRule = nil
        }
        if dayItems.isEmpty { inDay = false }
        failure = nil
    }

    private mutating func handleDetail(_ key: Key, _ event: AgendaEvent) -> Update {
        switch key {
        case .escape, .left, .character("h"):
            detail = nil
            return .say(tr("agenda.detail.closed"))
        case .character("e"): return edit(event)
        case .character("d"): return askDelete(event)
        default: return .handled
        }
    }

    private mutating func handleBrowse(_ key: Key) -> Update {
        switch key {
        case .character("m"): return switchView(.month)
        case .character("v"): return switchView(.upcoming)
        case .character("p"): return switchView(.prevention)
        case .character("a"): return add()
        case .character("x"): return askExport()
        case .character("i"):
            if services.kiosk { return .say(tr("agenda.export.kiosk")) }
            return .open(Dialog.prompt(title: tr("agenda.import.title"), message: tr("agenda.import.message"),
                                       text: services.exportDirectory.path + "/"), tag: AgendaAction.importFile)
        case .character("e"): return selectedEvent.map { edit($0) } ?? .handled
        case .character("d"): return selectedEvent.map { askDelete($0) } ?? .handled
        default: break
        }
        switch view {
        case .month: return handleMonth(key)
        case .upcoming: return handleUpcoming(key)
        case .prevention: return handlePrevention(key)
        }
    }

    private mutating func switchView(_ target: View) -> Update {
        view = target
        inDay = false
        let sentence = switch target {
        case .month: daySentence()
        case .upcoming: tr("agenda.view.upcoming") + ", " + trPlural("agenda.count.items", count: upcoming.count, ["count": String(upcoming.count)])
        case .prevention: tr("agenda.view.prevention") + ", " + (preventionNote ?? trPlural("agenda.count.items", count: prevention.count,
                                                                                             ["count": String(prevention.count)]))
        }
        return .say(sentence)
    }

    private mutating func handleMonth(_ key: Key) -> Update {
        if inDay {
            switch key {
            case .escape:
                inDay = false
                return .say(daySentence())
            case .enter: return openSelected()
            default:
                guard let motion = key.motion, motion == .up || motion == .down else { return .ignored }
                dayList.move(motion, visibleRows: 6)
                return .say(selectedEvent.map(AgendaDetail.spoken))
            }
        }
        switch key {
        case .character("t"):
            let today = services.today
            let moved = (today.year, today.month) != (calendar.year, calendar.month)
            calendar = MonthCalendar(year: today.year, month: today.month, day: today.day, today: calendar.today)
            calendar.markedDays = moved ? [] : Self.busy(monthItems)
            return Update(effects: moved ? [load()] : [], announcement: daySentence())
        case .enter:
            guard !dayItems.isEmpty else { return .say(tr("agenda.day.empty")) }
            inDay = true
            dayList = ListState(count: dayItems.count)
            return .say(selectedEvent.map(AgendaDetail.spoken))
        default:
            let month = (calendar.year, calendar.month)
            guard calendar.handle(key) else { return .ignored }
            dayList = ListState(count: dayItems.count)
            if month != (calendar.year, calendar.month) { return Update(effects: [load()], announcement: daySentence()) }
            return .say(daySentence())
        }
    }

    static func busy(_ items: [AgendaEvent]) -> Set<Int> { AgendaBook.busyDays(items) }

    /// "mardi 2 décembre 2026 : 2 éléments" (or "rien ce jour-là").
    func daySentence() -> String {
        let count = dayItems.count
        let items = count == 0 ? tr("agenda.day.empty") : trPlural("agenda.count.items", count: count, ["count": String(count)])
        return tr("ui.labelled", ["label": LocalFormat.longDate(selectedDay.start()), "value": items])
    }

    private mutating func handleUpcoming(_ key: Key) -> Update {
        if key == .enter { return openSelected() }
        guard let motion = key.motion, motion != .left, motion != .right else { return .ignored }
        upcomingList.move(motion, visibleRows: 10)
        return .say(selectedEvent.map(AgendaDetail.spoken))
    }

    private mutating func handlePrevention(_ key: Key) -> Update {
        let book = services.book, today = services.today, language = Localizer.shared.language
        switch key {
        case .character("o"):
            let turnOn = preventionNote == tr("prevention.list.off")
            return .run(Effect {
                do {
                    try book.setPersonalisedRecommendations(turnOn)
                    return AgendaScreenEvent.done(tr(turnOn ? "agenda.personalised.on" : "agenda.personalised.off"), nil)
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        case .character("f"):
            guard let item = selectedRecommendation else { return .handled }
            let title = item.rule.title(language)
            let key = item.rule.kind == .vaccination ? "agenda.prevention.done-vaccine" : "agenda.prevention.done"
            return .run(Effect {
                do {
                    try book.markDone(item.rule.id, on: today, language: language)
                    return AgendaScreenEvent.done(tr(key, ["title": title]), nil)
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        case .character("r"):
            guard let item = selectedRecommendation else { return .handled }
            let day = max(item.date, today.adding(days: 7))
            return .open(Dialog.prompt(title: tr("agenda.plan.title"), message: tr("agenda.plan.message", ["title": item.rule.title(language)]),
                                       text: LocalFormat.date(day: day.day, month: day.month, year: day.year),
                                       placeholder: tr("ui.form.date-placeholder")),
                         tag: AgendaAction.plan(item.rule.id))
        case .character("c"):
            guard let item = selectedRecommendation else { return .handled }
            return .open(Dialog.confirm(title: tr("agenda.dismiss.title"), message: tr("agenda.dismiss.message", ["title": item.rule.title(language)])),
                         tag: AgendaAction.dismiss(item.rule.id))
        case .enter:
            return .say(selectedRecommendation.map { Self.spoken($0) + ". " + AgendaWording.reason($0) })
        default:
            guard let motion = key.motion, motion != .left, motion != .right else { return .ignored }
            preventionList.move(motion, visibleRows: 8)
            return .say(selectedRecommendation.map(Self.spoken))
        }
    }

    static func spoken(_ item: PreventionItem) -> String {
        AgendaWording.preventionStatus(item.status) + ", " + item.rule.title(Localizer.shared.language) + ", " + AgendaWording.when(item)
    }

    static func message(_ error: any Error) -> String {
        (error as? AgendaError).map(AgendaWording.error) ?? tr("agenda.screen.unreadable")
    }

    // MARK: Actions

    /// A line of the Accueil opened here: a recommendation (the recommendations view, the step
    /// selected), or an agenda item (its detail, on its day).
    private mutating func open(_ item: OpenItem) -> Update {
        if let rule = HomeDigest.Item.preventionRule(of: item.id) {
            view = .prevention
            detail = nil
            if let index = prevention.firstIndex(where: { $0.rule.id == rule }) {
                preventionList = ListState(count: prevention.count, selected: index)
                return .say(tr("agenda.view.prevention") + ", " + Self.spoken(prevention[index]))
            }
            pendingRule = rule
            return Update(effects: [load()], announcement: tr("agenda.view.prevention"))
        }
        let (book, id) = (services.book, item.id)
        return .run(Effect {
            do { return OpenedAgendaItem(event: try book.item(id)) } catch { return AgendaScreenEvent.failed(Self.message(error)) }
        })
    }

    private mutating func openSelected() -> Update {
        guard let event = selectedEvent else { return .handled }
        detail = event
        return .say(AgendaDetail.lines(event).joined(separator: ". "))
    }

    private func add() -> Update {
        let day = view == .month ? selectedDay : services.today
        return .open(AgendaFormDialog(form: AgendaForm.make(day: day, event: nil), title: tr("agenda.form.add")),
                     tag: AgendaAction.save(nil), saying: tr("agenda.form.add"))
    }

    private func edit(_ event: AgendaEvent) -> Update {
        if let source = event.source { return .say(AgendaWording.error(.readOnly(source))) }
        return .open(AgendaFormDialog(form: AgendaForm.make(day: CalendarDate(event.start), event: event), title: tr("agenda.form.edit")),
                     tag: AgendaAction.save(event.id), saying: tr("agenda.form.edit"))
    }

    private func askDelete(_ event: AgendaEvent) -> Update {
        if let source = event.source { return .say(AgendaWording.error(.readOnly(source))) }
        return .open(Dialog.confirm(title: tr("agenda.delete.title"), message: tr("agenda.delete.message", ["title": AgendaWording.headline(event)])),
                     tag: AgendaAction.delete(event.id, AgendaWording.headline(event)))
    }

    private func askExport() -> Update {
        if services.kiosk { return .say(tr("agenda.export.kiosk")) }
        let path = services.exportDirectory.appendingPathComponent("agenda-mes.ics").path
        return .open(Dialog.prompt(title: tr("agenda.export.title"), message: tr("agenda.export.message"), text: path), tag: AgendaAction.export)
    }

    private mutating func answered(_ answer: Answer) -> Update {
        guard let action = answer.tag as? AgendaAction else { return .ignored }
        let book = services.book, now = services.now(), today = services.today, language = Localizer.shared.language
        var accepted: String?? = nil
        if case .accepted(let text)? = answer.value as? Dialog.Outcome { accepted = .some(text) }
        var submitted: Form?
        if case .submitted(let form)? = answer.value as? AgendaFormDialog.Outcome { submitted = form }
        switch action {
        case .save(let id):
            guard let form = submitted else { return .say(tr("agenda.cancelled")) }
            guard let draft = AgendaForm.draft(form) else { return .say(tr("agenda.form.invalid")) }
            let repetition: Repetition?
            switch AgendaForm.repetition(form) {
            case .failure?: return .say(tr("agenda.form.repeat-invalid", ["maximum": String(Repetition.maximumCount)]))
            case .success(let chosen)?: repetition = chosen
            case nil: repetition = nil
            }
            return .run(Effect {
                do {
                    if id == nil, let repetition {
                        let events = try book.add(draft, repeating: repetition)
                        let first = events[0]
                        return AgendaScreenEvent.done(tr("agenda.saved.repeated", ["title": AgendaWording.headline(first), "count": String(events.count),
                                                                                  "date": LocalFormat.dateTime(first.start)]),
                                                      CalendarDate(first.start))
                    }
                    let event = try id.map { try book.update($0, with: draft) } ?? book.add(draft)
                    return AgendaScreenEvent.done(tr(id == nil ? "agenda.saved.added" : "agenda.saved.changed",
                                                     ["title": AgendaWording.headline(event), "date": LocalFormat.dateTime(event.start)]),
                                                  CalendarDate(event.start))
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        case .delete(let id, let title):
            guard accepted != nil else { return .say(tr("agenda.cancelled")) }
            return .run(Effect {
                do {
                    try book.delete(id)
                    return AgendaScreenEvent.done(tr("agenda.delete.done", ["title": title]), nil)
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        case .export:
            guard let text = accepted else { return .say(tr("agenda.cancelled")) }
            let path = (text ?? "").trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { return .say(tr("agenda.cancelled")) }
            return .run(Effect {
                if FileManager.default.fileExists(atPath: path) { return AgendaScreenEvent.failed(tr("agenda.export.exists", ["path": path])) }
                do {
                    let prevention = (try? book.recommendations(on: today)) ?? []
                    let ics = try book.exportICS(prevention: prevention, language: language, now: now)
                    guard FileManager.default.createFile(atPath: path, contents: Data(ics.utf8), attributes: [.posixPermissions: 0o600]) else {
                        return AgendaScreenEvent.failed(tr("agenda.export.cannot-write", ["path": path]))
                    }
                    return AgendaScreenEvent.failed(tr("agenda.export.done", ["path": path]))
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        case .plan(let ruleID):
            guard let text = accepted else { return .say(tr("agenda.cancelled")) }
            guard let parts = LocalFormat.parseDate(text ?? ""), let day = CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!) else {
                return .say(tr("ui.form.invalid-date"))
            }
            return .run(Effect {
                do {
                    let event = try book.plan(ruleID, at: day.at(hour: 9, minute: 0), language: language)
                    return AgendaScreenEvent.done(tr("agenda.saved.added", ["title": event.title, "date": LocalFormat.dateTime(event.start)]), nil)
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        case .importFile:
            guard let text = accepted, let path = text?.trimmingCharacters(in: .whitespaces), !path.isEmpty else { return .say(tr("agenda.cancelled")) }
            return .run(Effect {
                guard let data = FileManager.default.contents(atPath: path) else {
                    return AgendaScreenEvent.failed(tr("agenda.error.unreadable-file", ["path": path]))
                }
                do {
                    let preview = try book.previewImport(Array(data), from: today.adding(months: -12).start(), to: today.adding(months: 12).start())
                    return AgendaImportPreviewBox(preview: preview)
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        case .applyImport(let box):
            guard accepted != nil else { return .say(tr("agenda.cancelled")) }
            return .run(Effect {
                do {
                    let count = try book.applyImport(box.preview)
                    return AgendaScreenEvent.done(AgendaWording.imported(count), nil)
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        case .dismiss(let ruleID):
            guard accepted != nil else { return .say(tr("agenda.cancelled")) }
            return .run(Effect {
                do {
                    try book.dismiss(ruleID, on: today, language: language)
                    return AgendaScreenEvent.done(tr("prevention.dismiss.done"), nil)
                } catch { return AgendaScreenEvent.failed(AgendaScreen.message(error)) }
            })
        }
    }

    // MARK: View

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        if let failure {
            buffer.put(failure, at: area.origin, style: context.style(.error), maxWidth: area.width)
            return Rendered(cursor: area.origin)
        }
        if let detail {
            var y = area.y
            for (index, line) in AgendaDetail.lines(detail).enumerated() {
                for part in TextLayout.wrap(line, width: area.width) where y < area.maxY {
                    buffer.put(part, at: Point(x: area.x, y: y), style: context.style(index == 0 ? .title : .normal), maxWidth: area.width)
                    y += 1
                }
            }
            return Rendered(cursor: area.origin)
        }
        let tabs = [(View.month, tr("agenda.view.month"), "m"), (.upcoming, tr("agenda.view.upcoming"), "v"),
                    (.prevention, tr("agenda.view.prevention"), "p")]
        var x = area.x
        for (kind, name, key) in tabs {
            let current = kind == view
            let text = (current ? "[" : " ") + "\(key) \(name)" + (current ? "]" : " ")
            x += buffer.put(text, at: Point(x: x, y: area.y), style: context.style(current ? .navigationSelected : .navigation),
                            maxWidth: max(0, area.maxX - x)) + 1
        }
        let body = area.inset(top: 2)
        switch view {
        case .month:
            return Rendered(cursor: context.screenReader ? renderLinearMonth(into: &buffer, area: body, context: context)
                                                         : renderMonth(into: &buffer, area: body, context: context))
        case .upcoming:
            let items = upcoming
            return Rendered(cursor: ListView.render(upcomingList, rows: { AgendaDetail.listRow(items[$0], withDate: true) }, into: &buffer,
                                                    area: body, context: context, focused: context.focused))
        case .prevention:
            return Rendered(cursor: renderPrevention(into: &buffer, area: body, context: context))
        }
    }

    private func line(_ text: String, at point: Point, width: Int, role: Role, into buffer: inout CellBuffer, context: ViewContext) {
        buffer.put(TextLayout.truncate(Sanitizer.sanitize(text), to: width, ellipsis: context.symbols.ellipsis), at: point,
                   style: context.style(role), maxWidth: width)
    }

    private func renderMonth(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Point {
        let grid = Rect(x: area.x, y: area.y, width: MonthCalendar.size.width, height: min(area.height, MonthCalendar.size.height))
        let gridCursor = calendar.render(into: &buffer, area: grid, context: context, focused: context.focused && !inDay)
        let side = Rect(x: area.x + MonthCalendar.size.width + 2, y: area.y, width: max(0, area.width - MonthCalendar.size.width - 2),
                        height: min(area.height, MonthCalendar.size.height))
        line(LocalFormat.longDate(selectedDay.start()), at: side.origin, width: side.width, role: .title, into: &buffer, context: context)
        let items = dayItems
        var cursor = gridCursor
        if items.isEmpty {
            line(tr("agenda.day.empty"), at: Point(x: side.x, y: side.y + 1), width: side.width, role: .muted, into: &buffer, context: context)
        } else {
            let listCursor = ListView.render(dayList, rows: { AgendaDetail.listRow(items[$0], withDate: false) }, into: &buffer,
                                             area: side.inset(top: 1), context: context, focused: context.focused && inDay)
            if inDay { cursor = listCursor }
        }
        let below = area.inset(top: MonthCalendar.size.height + 1)
        guard below.height > 1 else { return cursor }
        line(tr("agenda.view.upcoming"), at: below.origin, width: below.width, role: .title, into: &buffer, context: context)
        for (index, event) in upcoming.prefix(below.height - 1).enumerated() {
            line(AgendaDetail.row(event, withDate: true), at: Point(x: below.x + 2, y: below.y + 1 + index), width: below.width - 2,
                 role: .normal, into: &buffer, context: context)
        }
        return cursor
    }

    /// Screen-reader mode: the selected day said in full, then the month's items one a line by date.
    private func renderLinearMonth(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Point {
        line(LocalFormat.monthAndYear(month: calendar.month, year: calendar.year), at: area.origin, width: area.width, role: .title,
             into: &buffer, context: context)
        line(daySentence(), at: Point(x: area.x, y: area.y + 1), width: area.width, role: inDay ? .normal : .focus, into: &buffer, context: context)
        let list = area.inset(top: 3)
        let items = dayItems
        if inDay {
            return ListView.render(dayList, rows: { ListRow(AgendaDetail.spoken(items[$0])) },
                                   into: &buffer, area: list, context: context, focused: context.focused)
        }
        for (index, event) in monthItems.prefix(max(0, list.height)).enumerated() {
            line(AgendaDetail.spoken(event), at: Point(x: list.x, y: list.y + index), width: list.width,
                 role: .normal, into: &buffer, context: context)
        }
        return Point(x: area.x, y: area.y + 1)
    }

    private func renderPrevention(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Point {
        if let preventionNote {
            line(preventionNote, at: area.origin, width: area.width, role: .muted, into: &buffer, context: context)
            if prevention.isEmpty { return area.origin }
        }
        let language = Localizer.shared.language
        let items = prevention
        // The selected step's reason under the list, in full when there is room (a campaign or a
        // condition makes it longer): the list keeps at least its items or half the height.
        let reason = selectedRecommendation.map { TextLayout.wrap(Sanitizer.sanitize(AgendaWording.reason($0)), width: area.width) } ?? []
        let reasonHeight = min(reason.count, max(3, area.height - 1 - max(items.count, area.height / 2)))
        let listArea = Rect(x: area.x, y: area.y, width: area.width, height: max(1, area.height - 1 - max(3, reasonHeight)))
        let cursor = ListView.render(preventionList, rows: { index in
            let item = items[index]
            return ListRow("\(AgendaWording.preventionStatus(item.status)) — \(item.rule.title(language)) — \(AgendaWording.when(item))")
        }, into: &buffer, area: listArea, context: context, focused: context.focused)
        var y = listArea.maxY + 1
        for part in reason where y < area.maxY {
            buffer.put(part, at: Point(x: area.x, y: y), style: context.style(.muted), maxWidth: area.width)
            y += 1
        }
        return cursor
    }
}

/// What the screen's effects answer.
enum AgendaScreenEvent: Sendable {
    /// A sentence to say (an error, or a result that changes nothing shown).
    case failed(String)
    /// An edit went through: say it, read again, go to `day` when given.
    case done(String, CalendarDate?)
}

extension AgendaEvent {
    /// What the screen's load effect reads.
    struct Loaded: Sendable {
        var generation: Int
        var year: Int
        var month: Int
        var items: [AgendaEvent]
        var busy: Set<Int>
        var upcoming: [AgendaEvent]
        var prevention: [PreventionItem]
        var note: String?
    }
}

/// The add/edit form as a dialog: it owns the keys until Esc or a valid submission, and closes
/// with the form itself, so the screen reads the fields from the answer.
struct AgendaFormDialog: Component {
    enum Outcome: Sendable { case submitted(Form), cancelled }

    var form: Form
    var title: String

    var keyMap: KeyMap { form.keyMap }
    var keyHints: [KeyHint] { [KeyHint(.tab, tr("agenda.hint.next-field")), KeyHint(.enter, tr("agenda.hint.save")), KeyHint(.escape, tr("agenda.hint.cancel"))] }
    var capturesText: Bool { form.capturesText }

    mutating func update(_ input: ComponentInput) -> Update {
        guard case .key(let key) = input else { return .ignored }
        if key == .escape { return Update(announcement: tr("agenda.cancelled"), closed: Outcome.cancelled) }
        // Enter anywhere saves (after checking every field); Tab moves between fields.
        if key == .enter, form.focusedField.map({ if case .multilineText = $0.kind { false } else { true } }) ?? true {
            guard form.validate() else { return .say(form.focusedField?.error) }
            return Update(closed: Outcome.submitted(form))
        }
        _ = form.handle(key)
        return .handled
    }

    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        if !context.screenReader { buffer.fill(area, style: context.style(.dialog)) }
        buffer.put(title, at: area.origin, style: context.style(.title), maxWidth: area.width)
        return form.render(into: &buffer, area: area.inset(top: 2), context: context)
    }
}

/// An agenda item an Accueil line opened, read from the vault.
struct OpenedAgendaItem: Sendable {
    let event: AgendaEvent
}

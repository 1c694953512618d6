import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TerminalUI

extension ProfileScreen {
    /// A title line (where the user is), then the page: a list, or a measure's chart or table,
    /// or the form being filled; the last line says more of the selected line.
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        guard area.height >= 5 else { return Rendered(cursor: area.origin) }
        let rows = area.splitRows([.fixed(1), .fill(1), .fixed(1)])
        buffer.put(TextLayout.truncate(context.plain(breadcrumb), to: area.width, ellipsis: context.symbols.ellipsis), at: rows[0].origin,
                   style: context.style(.title), maxWidth: area.width)
        if let editor {
            return editor.form.render(into: &buffer, area: Rect(x: area.x, y: rows[1].y, width: area.width, height: rows[1].height + 1),
                                      context: context)
        }
        if let failure {
            buffer.put(TextLayout.truncate(failure, to: area.width, ellipsis: context.symbols.ellipsis), at: rows[1].origin,
                       style: context.style(.error), maxWidth: area.width)
            return Rendered(cursor: rows[1].origin)
        }
        if case .measure(let type) = page {
            return renderMeasure(type, into: &buffer, area: Rect(x: area.x, y: rows[1].y, width: area.width, height: rows[1].height + 1),
                                 context: context)
        }
        if list.count == 0 {
            // Volontés with nothing declared yet still say what the directives and the organ-donation declaration are.
            let lines = page == .rubrique(.wishes) ? wishesText.flatMap { TextLayout.wrap($0, width: area.width) + [""] } : [emptyText]
            for (offset, line) in lines.prefix(rows[1].height).enumerated() {
                buffer.put(line, at: Point(x: area.x, y: rows[1].y + offset), style: context.style(.muted), maxWidth: area.width)
            }
            return Rendered(cursor: rows[1].origin)
        }
        // Volontés: the directives kept and the organ-donation rules, in full under the list.
        var listArea = rows[1]
        if case .rubrique(.wishes) = page {
            let text = wishesText.flatMap { TextLayout.wrap($0, width: area.width) + [""] }
            let height = min(text.count, max(0, rows[1].height - list.count - 1))
            listArea = Rect(x: rows[1].x, y: rows[1].y, width: rows[1].width, height: rows[1].height - height)
            for (offset, piece) in text.prefix(height).enumerated() {
                buffer.put(piece, at: Point(x: area.x, y: listArea.maxY + offset), style: context.style(.muted), maxWidth: area.width)
            }
        }
        // Habitudes de vie: the selected section's questions and answers, in full under the list.
        if case .rubrique(.lifestyle) = page {
            let text = lifestyleAnswers.flatMap { TextLayout.wrap(context.plain($0), width: area.width) }
            let height = min(text.count, max(0, rows[1].height - list.count - 1))
            listArea = Rect(x: rows[1].x, y: rows[1].y, width: rows[1].width, height: rows[1].height - height)
            for (offset, piece) in text.prefix(height).enumerated() {
                buffer.put(piece, at: Point(x: area.x, y: listArea.maxY + offset), style: context.style(.muted), maxWidth: area.width)
            }
        }
        let cursor = ListView.render(list, rows: { line($0).truncated(to: area.width - 2, context: context) }, into: &buffer, area: listArea,
                                     context: context, focused: context.focused)
        if let detail = detailLine {
            buffer.put(TextLayout.truncate(context.plain(detail), to: area.width, ellipsis: context.symbols.ellipsis), at: rows[2].origin,
                       style: context.style(.muted), maxWidth: area.width)
        }
        return Rendered(cursor: cursor)
    }

    /// "Profil médical › Vaccinations (5)", with the rank of the selection.
    var breadcrumb: String {
        var text = tr("section.medical-profile")
        if page == .home, let profile = snapshot.profile, snapshot.spaces.count > 1 { text = tr("ui.labelled", ["label": text, "value": Sanitizer.sanitize(profile.displayName)]) }
        if page != .home { text += " › " + pageTitle }
        if let editor {
            switch editor.target {
            case .entry(_, let id), .measure(_, let id): text += " › " + tr(id == nil ? "profile.screen.new" : "profile.screen.change")
            case .synthesis: text += " › " + tr("profile.synthesis.form-title")
            case .directives: text += " › " + tr("profile.directives.title")
            case .target: text += " › " + tr("profile.target.title")
            }
        } else if list.count > 0, page != .home {
            text += " (" + tr("profile.screen.rank", ["rank": String(list.selected + 1), "count": String(list.count)]) + ")"
        }
        return text
    }

    /// The directives kept (or none), and what the organ-donation declaration means.
    var wishesText: [String] {
        let summary = snapshot.entries.first?.values["directives-summary"]
        return [summary.map { tr("profile.directives.current", ["summary": $0]) } ?? tr("profile.directives.none"),
                tr("profile.organ-donation.explanation")]
    }

    var emptyText: String {
        if case .rubrique(.allergies) = page, snapshot.notConcerned { return tr("profile.show.not-concerned") }
        if case .rubrique = page { return tr("profile.screen.empty") }
        return tr("profile.show.empty")
    }

    /// The selected habit section's answers, one question a line (« Je fume : Non »), then the note.
    var lifestyleAnswers: [String] {
        guard snapshot.entries.indices.contains(list.selected) else { return [] }
        let entry = snapshot.entries[list.selected]
        let topic = entry.values["topic"].flatMap(Lifestyle.Topic.init(rawValue:))
        let answered = LifestyleCatalog.questions.filter { $0.section == topic }.compactMap { question -> String? in
            entry.values[question.key].map { LifestyleCatalog.answered(question.label, LifestyleCatalog.answerLabel(question, $0)) }
        }
        return [""] + answered + [entry.values["answer"]].compactMap { $0.map { LifestyleCatalog.answered(ProfileWording.field("answer"), Sanitizer.sanitize($0)) } }
    }

    /// More about the selected line: a rubrique's block, a field the list does not show.
    var detailLine: String? {
        switch page {
        case .home:
            guard Self.homeItems.indices.contains(list.selected) else { return nil }
            if case .rubrique(let rubrique) = Self.homeItems[list.selected] { return ProfileWording.block(rubrique.block) }
            return nil
        case .rubrique(.lifestyle):
            return nil
        case .rubrique(let rubrique):
            guard snapshot.entries.indices.contains(list.selected) else { return nil }
            let entry = snapshot.entries[list.selected]
            let shown = ProfileWording.summary(entry, vaccines: services.book.vaccines)
            return rubrique.fields.compactMap { field -> String? in
                guard let text = ProfileWording.display(entry, field.key, vaccines: services.book.vaccines, conditions: snapshot.conditions),
                      !shown.contains(text), text != entry.title else { return nil }
                return tr("ui.labelled", ["label": ProfileWording.field(field.key), "value": text])
            }.joined(separator: " · ")
        default:
            return nil
        }
    }

    // MARK: A measure

    private func renderMeasure(_ type: MeasurementType, into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        let chart = MeasureChart(type: type, measures: snapshot.measures, unit: unit(of: type), target: snapshot.target)
        let growth = growthChart(type)
        let sentence = growth?.sentence ?? chart.sentence
        if context.screenReader || showTable || snapshot.measures.isEmpty {
            // The chart in words, then the table (newest first), the cursor on the selected row.
            let lines = TextLayout.wrap(context.plain(sentence), width: area.width)
            for (offset, text) in lines.prefix(max(1, area.height - 3)).enumerated() {
                buffer.put(text, at: Point(x: area.x, y: area.y + offset), style: context.style(.normal), maxWidth: area.width)
            }
            let used = min(lines.count, max(1, area.height - 3)) + 1
            let table = Rect(x: area.x, y: area.y + used, width: area.width, height: area.height - used)
            guard list.count > 0 else { return Rendered(cursor: area.origin) }
            let cursor = ListView.render(list, rows: { line($0).truncated(to: area.width - 2, context: context) }, into: &buffer, area: table,
                                         context: context, focused: context.focused)
            return Rendered(cursor: cursor)
        }
        let plotArea = Rect(x: area.x, y: area.y, width: area.width, height: area.height - 1)
        let unit = chart.unit
        if let growth {
            var series = growth.curves.map { curve in
                PlotChart.Series(xs: curve.points.map(\.months), ys: curve.points.map(\.value), kind: .reference, label: curve.curve.label)
            }
            series.append(PlotChart.Series(xs: growth.points.map(\.months), ys: growth.points.map(\.value)))
            PlotChart(series: series, yLabel: { [context] in context.plain(ProfileWording.quantity($0, unit: unit)) }, xLabel: { GrowthChart.age($0) })
                .render(into: &buffer, area: plotArea, context: context)
            buffer.put(TextLayout.truncate(context.plain(growth.referenceName), to: area.width, ellipsis: context.symbols.ellipsis),
                       at: Point(x: area.x, y: area.maxY - 1), style: context.style(.muted), maxWidth: area.width)
        } else {
            let series = chart.series.map { PlotChart.Series(xs: $0.xs, ys: $0.ys) }
            PlotChart(series: series, band: chart.target, gap: chart.gap, yLabel: { [context] in context.plain(chart.label($0)) },
                      xLabel: { LocalFormat.date(Date(timeIntervalSince1970: $0)) })
                .render(into: &buffer, area: plotArea, context: context)
            var legend = tr("profile.screen.legend", ["symbol": context.symbols.chartPoint, "count": String(chart.rows.count)])
            if let target = chart.target {
                legend += " · " + tr("measures.chart.target", ["low": chart.label(target.lowerBound), "high": chart.label(target.upperBound)])
            }
            buffer.put(TextLayout.truncate(context.plain(legend), to: area.width, ellipsis: context.symbols.ellipsis), at: Point(x: area.x, y: area.maxY - 1),
                       style: context.style(.muted), maxWidth: area.width)
        }
        return Rendered(cursor: Point(x: area.x, y: area.maxY - 1), announcement: nil)
    }

    /// A child's growth measure is drawn against the reference curves.
    func growthChart(_ type: MeasurementType) -> GrowthChart? {
        guard let profile = snapshot.profile, profile.isMinor(on: CalendarDate(Date())), let measure = GrowthReference.Measure(type) else { return nil }
        return GrowthChart(measure: measure, profile: profile, measures: snapshot.measures, reference: services.growth)
    }
}

extension ListRow {
    /// The row cut to `width` columns, with the ellipsis where it is cut (marks kept whole).
    func truncated(to width: Int, context: ViewContext) -> ListRow {
        var row = self
        let room = max(4, width - (marks.isEmpty ? 0 : DisplayWidth.of(marks) + 1))
        row.text = TextLayout.truncate(context.plain(Sanitizer.sanitize(text)), to: room, ellipsis: context.symbols.ellipsis)
        row.marks = context.plain(marks)
        return row
    }
}

extension ViewContext {
    /// On a terminal without Unicode (the console in the C locale, a vt100), the screen's own
    /// typography in ASCII: dashes, arrows, non-breaking spaces, superscripts.
    func plain(_ text: String) -> String {
        guard !symbols.isUnicode else { return text }
        var result = ""
        for character in text {
            switch character {
            case "—", "–": result += "-"
            case "›": result += ">"
            case "·", "∙": result += "."
            case "\u{00A0}", "\u{202F}": result += " "
            case "²": result += "2"
            case "«": result += "\""
            case "»": result += "\""
            default: result.append(character)
            }
        }
        return result
    }
}

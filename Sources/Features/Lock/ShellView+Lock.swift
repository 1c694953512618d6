import L10n
import TerminalUI

extension ShellView {
    /// The locked layout: no profile, no section, no screen — only the lock state, the lock
    /// screen and its status line. The cursor sits in the passphrase field.
    func renderLocked(_ lockScreen: LockScreen, _ buffer: inout CellBuffer, _ context: ViewContext) -> Frame {
        let rows = buffer.bounds.splitRows([.fixed(1), .fill(1), .fixed(1)])
        let separator = context.screenReader ? ". " : " \(context.symbols.separator) "
        buffer.fill(rows[0], style: context.style(.header))
        buffer.put(" mes" + separator + tr("header.lock", ["state": LockState.locked.word]), at: rows[0].origin,
                   style: context.style(.header), maxWidth: rows[0].width)
        let cursor = lockScreen.render(into: &buffer, area: rows[1], context: context).cursor
        let status = context.style(.status)
        buffer.fill(rows[2], style: status)
        buffer.put(" " + lockScreen.announcement, at: rows[2].origin, style: status, maxWidth: rows[2].width)
        return Frame(buffer: buffer, cursor: cursor, announcement: lockScreen.announcement)
    }
}

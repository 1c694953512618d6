/// Every `mes` subcommand, grouped by area (each group lives in its own file).
enum MesCommands {
    static let all: [MesCommand] = VaultCommands.all + SyncCommands.all + DocumentCommands.all + SharingCommands.all + ServiceCommands.all + AgendaCommands.all
        + MessageCommands.all + ProfileCommands.all + ConfigCommands.all + SpaceCommands.all + AidantCommands.all
}

enum UIBenchmark { @MainActor static func run() throws {} }

import ChildProcess

/// Tests start programs through the same runner as the benchmarks (`ChildProcess.Spawn`).
public typealias Spawn = ChildProcess.Spawn

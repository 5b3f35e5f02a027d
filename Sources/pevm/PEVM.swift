import ArgumentParser

@main
struct PEVM: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pevm",
    abstract: "A parallel EVM block executor.",
    subcommands: [
      ReplayCommand.self, BenchCommand.self, StateTestCommand.self, BlockTestCommand.self,
      GenerateCommand.self, MicroBench.self,
    ])
}

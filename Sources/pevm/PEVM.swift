import ArgumentParser
import CMalloc

@main
struct PEVM: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pevm",
    abstract: "A parallel EVM block executor.",
    subcommands: [
      ReplayCommand.self, BenchCommand.self, StateTestCommand.self, BlockTestCommand.self,
      GenerateCommand.self, MicroBench.self,
    ])

  static func main() {
    keepFreedMemory()
    Self.main(nil)
  }

  /// Keeps memory that blocks free inside the process for the next block:
  /// by default glibc gives allocations of 128 KiB and more back to the
  /// kernel on free (and trims the heap), so every block would fault in
  /// and zero its large buffers again (receipts, the multi-version
  /// memory's tables, per-transaction result arrays).
  static func keepFreedMemory() {
    _ = mallopt(M_MMAP_THRESHOLD, 256 << 20)
    _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
  }
}

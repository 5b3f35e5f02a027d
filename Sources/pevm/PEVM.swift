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
    tuneAllocator()
    Self.main(nil)
  }

  /// Tunes glibc malloc for block execution. Keeps memory that blocks free
  /// inside the process for the next block:
  /// by default glibc gives allocations of 128 KiB and more back to the
  /// kernel on free (and trims the heap), so every block would fault in
  /// and zero its large buffers again (receipts, the multi-version
  /// memory's tables, per-transaction result arrays). Fast bins are off:
  /// the first large allocation after a block's many small frees would
  /// otherwise consolidate them all at once (measured: about 100 µs at the
  /// start of each block on the speculating thread); the per-thread cache
  /// still serves small allocations.
  static func tuneAllocator() {
    _ = mallopt(M_MMAP_THRESHOLD, 256 << 20)
    _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
    _ = mallopt(M_MXFAST, 0)
  }
}

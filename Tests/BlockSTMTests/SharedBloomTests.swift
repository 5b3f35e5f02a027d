import EVM
import EVMPrimitives
import Execution
import Synchronization
import Testing

@testable import BlockSTM

#if canImport(Glibc)
  import Glibc
#endif

/// A receipt's bloom split with a helper thread equals the bloom computed
/// in one go, whether a helper takes the offered half or not, and when
/// two builders want it at once.
@Suite struct SharedBloomTests {
  static func logs(_ count: Int, seed: UInt64) -> [Log] {
    (0..<count).map { i in
      let n = UInt64(i) &+ seed
      return Log(
        address: Address(high: 0, middle: 0, low: UInt32(truncatingIfNeeded: n % 7)),
        topics: [Bytes32(word: UInt256(n)), Bytes32(word: UInt256(n &* 31))], data: [])
    }
  }

  @Test func withoutHelper() {
    let logs = Self.logs(3000, seed: 1)
    var cache = BloomCache()
    #expect(SharedBloom().bloom(of: logs, cache: &cache) == Bloom(logs: logs))
  }

  @Test func withHelpers() {
    let shared = SharedBloom()
    let stop = Atomic<Bool>(false)
    let builders = 2
    let finished = Atomic<Int>(0)
    // One thread assists until the builders are done, looking every 50 µs
    // (a busy loop would starve the tests running beside this one); two
    // build blooms.
    WorkerPool.shared.run(builders + 1) { thread in
      if thread >= builders {
        var cache = BloomCache()
        while !stop.load(ordering: .acquiring) {
          shared.assist(cache: &cache)
          usleep(50)
        }
        return
      }
      var cache = BloomCache()
      for round in 0..<20 {
        let logs = Self.logs(1024 + 97 * round, seed: UInt64(thread * 1000 + round))
        let bloom = shared.bloom(of: logs, cache: &cache)
        #expect(bloom == Bloom(logs: logs), "builder \(thread) round \(round)")
      }
      if finished.add(1, ordering: .acquiringAndReleasing).newValue == builders {
        stop.store(true, ordering: .releasing)
      }
    }
  }
}

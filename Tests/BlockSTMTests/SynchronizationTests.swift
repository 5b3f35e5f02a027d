import Dispatch
import EVMPrimitives
import Synchronization
import Testing

@testable import BlockSTM

/// The building blocks Block-STM synchronises with (also run under
/// ThreadSanitizer, which must see their atomics as synchronisation).
@Suite struct SynchronizationTests {
  /// Increments under the per-element spin locks lose nothing, with more
  /// threads than cores.
  @Test(arguments: [2, 8, 32])
  func spinLockedIncrements(threads: Int) {
    let counters = SpinLockedArray<Int>(count: 3) { _ in 0 }
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
      for i in 0..<2_000 { counters.withLock((thread + i) % 3) { $0 += 1 } }
    }
    let total = (0..<3).map { index in counters.withLock(index) { $0 } }.reduce(0, +)
    #expect(total == threads * 2_000)
  }

  @Test func tryLockFailsWhileHeld() {
    let values = SpinLockedArray<Int>(count: 1) { _ in 0 }
    values.withLock(0) { _ in
      #expect(values.withLockIfAvailable(0) { _ in true } == nil)
    }
    #expect(values.withLockIfAvailable(0) { _ in true } == true)
  }

  /// A waiter at the gate is woken by the signal that follows its
  /// registration, never left to its timeout (a long one here, so that a
  /// loaded machine cannot make the test pass by the timeout).
  @Test func gateWakesOnSignal() {
    let gate = IdleGate()
    let ready = Atomic<Bool>(false)
    let woke = Atomic<Int>(0)
    let bySignal = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 2) { thread in
      if thread == 0 {
        for _ in 0..<200 {
          let epoch = gate.prepare()
          ready.store(true, ordering: .sequentiallyConsistent)
          if gate.wait(epoch, timeoutNanoseconds: 30_000_000_000) {
            bySignal.add(1, ordering: .relaxed)
          }
          gate.finish()
          woke.add(1, ordering: .sequentiallyConsistent)
        }
      } else {
        while woke.load(ordering: .sequentiallyConsistent) < 200 {
          if ready.exchange(false, ordering: .sequentiallyConsistent) { gate.signal() }
        }
      }
    }
    #expect(woke.load(ordering: .relaxed) == 200)
    #expect(bySignal.load(ordering: .relaxed) == 200)
  }

  /// With nobody signalling, a wait ends by its timeout.
  @Test func gateTimesOut() {
    let gate = IdleGate()
    let clock = ContinuousClock()
    let start = clock.now
    let epoch = gate.prepare()
    #expect(!gate.wait(epoch))
    gate.finish()
    #expect(clock.now - start >= .microseconds(900))
  }

  /// Every iteration runs exactly once, for widths that grow and shrink
  /// (helpers start on demand and sit out narrower jobs), with more
  /// iterations than cores.
  @Test func workerPoolRunsEachIterationOnce() {
    let pool = WorkerPool()
    for width in [2, 5, 1, 16, 3, 16, 2] {
      let counts = SpinLockedArray<Int>(count: width) { _ in 0 }
      pool.run(width) { i in counts.withLock(i) { $0 += 1 } }
      #expect((0..<width).allSatisfy { i in counts.withLock(i) { $0 } == 1 }, "width \(width)")
    }
  }

  /// The iterations run at the same time: iteration 0 waits for iteration
  /// 1 to arrive, which a pool running them one after the other never
  /// lets happen (the wait gives up after 10 s and the test fails).
  @Test func workerPoolIterationsOverlap() {
    let pool = WorkerPool()
    let arrived = Atomic<Bool>(false)
    let sawOther = Atomic<Bool>(false)
    pool.run(2) { i in
      if i == 1 {
        arrived.store(true, ordering: .releasing)
      } else {
        let gate = IdleGate()
        for _ in 0..<10_000 where !arrived.load(ordering: .acquiring) {
          gate.wait(gate.prepare(), timeoutNanoseconds: 1_000_000)
          gate.finish()
        }
        sawOther.store(arrived.load(ordering: .acquiring), ordering: .relaxed)
      }
    }
    let overlapped = sawOther.load(ordering: .relaxed)
    #expect(overlapped)
  }

  /// A run from inside a run, and runs from several threads at once, go to
  /// overflow pools (and past their limit to Dispatch) and still run every
  /// iteration once.
  @Test func workerPoolNestedAndConcurrentRuns() {
    let pool = WorkerPool()
    let total = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 12) { _ in
      pool.run(3) { _ in
        pool.run(2) { _ in total.add(1, ordering: .relaxed) }
      }
    }
    let count = total.load(ordering: .relaxed)
    #expect(count == 12 * 3 * 2)
  }
}

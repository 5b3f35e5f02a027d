import Dispatch
import EVM
import EVMPrimitives
import Testing
import WorldState

@testable import BlockSTM

/// The multi-version memory's bookkeeping: version order, ESTIMATEs,
/// removal of a previous incarnation's writes, and the liveness shortcut.
@Suite struct MultiVersionMemoryTests {
  static let alice = Address(high: 0xa11c, middle: 0, low: 0)

  static func credit(_ amount: UInt64) -> WrittenValue {
    .delta(AccountDelta(balance: UInt256(amount)))
  }

  static func debit(_ amount: UInt64) -> WrittenValue {
    .delta(AccountDelta(balance: UInt256(amount).negated))
  }

  /// The transactions of the versions below `index`, highest first.
  static func writers(_ memory: MultiVersionMemory, below index: Int) -> [Int] {
    var seen: [Int] = []
    memory.forEachVersion(of: .basic(alice), below: index) {
      seen.append($0.transaction)
      return true
    }
    return seen
  }

  @Test func versionsStaySortedWhateverTheRecordOrder() {
    let memory = MultiVersionMemory(transactionCount: 10)
    for transaction in [5, 1, 8, 3, 0, 9] {
      _ = memory.record(
        transaction: transaction, incarnation: 0,
        writes: [Write(.basic(Self.alice), Self.credit(1))])
    }
    #expect(Self.writers(memory, below: 10) == [9, 8, 5, 3, 1, 0])
    #expect(Self.writers(memory, below: 5) == [3, 1, 0])
    #expect(Self.writers(memory, below: 0) == [])
  }

  @Test func aNewIncarnationReplacesTheOldWrites() {
    let memory = MultiVersionMemory(transactionCount: 4)
    let other = MemoryLocation.storage(Self.alice, .one)
    #expect(
      memory.record(
        transaction: 2, incarnation: 0,
        writes: [Write(.basic(Self.alice), Self.credit(1)), Write(other, .storage(.one))]))
    // Same locations again: nothing new; one location dropped: removed.
    #expect(
      !memory.record(
        transaction: 2, incarnation: 1, writes: [Write(.basic(Self.alice), Self.credit(7))]))
    var storageWriters = 0
    memory.forEachVersion(of: other, below: 4) { _ in
      storageWriters += 1
      return true
    }
    #expect(storageWriters == 0)
    var incarnation = -1
    memory.forEachVersion(of: .basic(Self.alice), below: 4) {
      incarnation = $0.incarnation
      return false
    }
    #expect(incarnation == 1)
  }

  @Test func abortsMarkFullWritesButKeepDeltas() {
    let memory = MultiVersionMemory(transactionCount: 4)
    let bob = Address(high: 0xb0b, middle: 0, low: 0)
    _ = memory.record(
      transaction: 1, incarnation: 0,
      writes: [
        Write(.basic(Self.alice), Self.credit(3)),
        Write(.basic(bob), .account(AccountInfo(balance: .one))),
      ])
    memory.markEstimates(transaction: 1)
    var aliceValue: WrittenValue?? = nil
    memory.forEachVersion(of: .basic(Self.alice), below: 4) {
      aliceValue = $0.value
      return false
    }
    var bobValue: WrittenValue?? = nil
    memory.forEachVersion(of: .basic(bob), below: 4) {
      bobValue = $0.value
      return false
    }
    if case .delta? = aliceValue ?? nil {} else { Issue.record("the delta should stay readable") }
    #expect(bobValue != nil && bobValue! == nil, "the full write becomes an ESTIMATE")
  }

  @Test func livenessWithoutSummingDeltas() {
    let memory = MultiVersionMemory(transactionCount: 10)
    // Nothing recorded: the pre-state decides.
    guard case .preState = memory.liveness(of: Self.alice, below: 10) else {
      Issue.record("expected .preState")
      return
    }
    _ = memory.record(
      transaction: 2, incarnation: 0, writes: [Write(.basic(Self.alice), .account(nil))])
    _ = memory.record(
      transaction: 5, incarnation: 0, writes: [Write(.basic(Self.alice), Self.credit(10))])
    if case .written(let info, let writer) = memory.liveness(of: Self.alice, below: 5) {
      #expect(info == nil && writer == 2)
    } else {
      Issue.record("below 5: the deletion by transaction 2 decides")
    }
    if case .alive = memory.liveness(of: Self.alice, below: 6) {
    } else {
      Issue.record("below 6: the credit makes it alive")
    }
    // A debit anywhere makes the shortcut unsound: sum instead.
    _ = memory.record(
      transaction: 7, incarnation: 0, writes: [Write(.basic(Self.alice), Self.debit(10))])
    if case .needsSum = memory.liveness(of: Self.alice, below: 9) {
    } else {
      Issue.record("with a debit recorded, liveness needs the sum")
    }
    // Replaced by a credit: the shortcut holds again.
    _ = memory.record(
      transaction: 7, incarnation: 1, writes: [Write(.basic(Self.alice), Self.credit(1))])
    if case .alive = memory.liveness(of: Self.alice, below: 9) {
    } else {
      Issue.record("the debit was replaced")
    }
  }

  /// Many threads recording and reading at once (also run under
  /// ThreadSanitizer): every transaction's final write is found.
  @Test(arguments: [2, 4, 16])
  func concurrentRecordsAndReads(workers: Int) {
    let count = 400
    let memory = MultiVersionMemory(transactionCount: count)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for transaction in stride(from: worker, to: count, by: workers) {
        for incarnation in 0..<2 {
          _ = memory.record(
            transaction: transaction, incarnation: incarnation,
            writes: [
              Write(.basic(Self.alice), Self.credit(UInt64(incarnation + 1))),
              Write(.storage(Self.alice, UInt256(UInt64(transaction % 7))), .storage(.one)),
            ])
          _ = Self.writers(memory, below: transaction)
        }
      }
    }
    var total = UInt256.zero
    var writers = 0
    memory.forEachVersion(of: .basic(Self.alice), below: count) { entry in
      writers += 1
      #expect(entry.incarnation == 1)
      if case .delta(let delta)? = entry.value { total = total &+ delta.balance }
      return true
    }
    #expect(writers == count)
    #expect(total == UInt256(UInt64(2 * count)))
  }

  /// The coinbase's fee credits stay out of the version lists, yet a full
  /// read of the coinbase sums them above the latest full write.
  @Test func coinbaseFeesAreSummedForReaders() {
    let coinbase = Address(high: 0xc0, middle: 0, low: 0)
    let memory = MultiVersionMemory(transactionCount: 6, coinbase: coinbase)
    var pre = InMemoryState()
    pre.accounts[coinbase] = StoredAccount(info: AccountInfo(balance: UInt256(100)))
    let resolver = LocationResolver(memory: memory, preState: pre)
    for transaction in 0..<3 {
      _ = memory.record(
        transaction: transaction, incarnation: 0,
        writes: [Write(.basic(coinbase), Self.credit(UInt64(transaction + 1)))])
    }
    // Nothing of it is in the version lists.
    var listed = 0
    memory.forEachVersion(of: .basic(coinbase), below: 6) { _ in
      listed += 1
      return true
    }
    #expect(listed == 0)
    guard case .value(.account(let below3)) = resolver.account(coinbase, below: 3) else {
      Issue.record("expected a value")
      return
    }
    #expect(below3?.balance == UInt256(106))
    // A full write at 3 replaces what came before; fees above it add up.
    _ = memory.record(
      transaction: 3, incarnation: 0,
      writes: [Write(.basic(coinbase), .account(AccountInfo(balance: UInt256(7))))])
    _ = memory.record(
      transaction: 4, incarnation: 0, writes: [Write(.basic(coinbase), Self.credit(5))])
    guard case .value(.account(let below6)) = resolver.account(coinbase, below: 6) else {
      Issue.record("expected a value")
      return
    }
    #expect(below6?.balance == UInt256(12))
    // A re-execution that credits nothing replaces its fee.
    _ = memory.record(transaction: 4, incarnation: 1, writes: [])
    guard case .value(.account(let after)) = resolver.account(coinbase, below: 6) else {
      Issue.record("expected a value")
      return
    }
    #expect(after?.balance == UInt256(7))
    #expect(resolver.isDead(coinbase, below: 6) == .value(.dead(false)))
  }

  /// Storage writers are found by the EIP-7610 check below them only.
  @Test func storageWritersAreFoundBelow() {
    let contract = Address(high: 0xc, middle: 0, low: 0)
    let memory = MultiVersionMemory(transactionCount: 4, coinbase: nil)
    let resolver = LocationResolver(memory: memory, preState: InMemoryState())
    _ = memory.record(
      transaction: 2, incarnation: 0,
      writes: [
        Write(.storage(contract, .one), .storage(.one)), Write(.storageWritten(contract), .marker),
      ])
    #expect(resolver.hasStorage(contract, below: 2) == .value(.noStorageWriter))
    if case .unsupported = resolver.hasStorage(contract, below: 3) {
    } else {
      Issue.record("the writer below must be seen")
    }
  }
}

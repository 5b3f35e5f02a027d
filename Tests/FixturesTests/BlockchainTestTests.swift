import EVMPrimitives
import Execution
import Fixtures
import Foundation
import TestSupport
import WorldState
import XCTest

/// Real `BlockchainTests` files run end to end (the whole suite runs through
/// `make conformance`), and a synthetic chain with a fork and a rejected block.
final class BlockchainTestTests: XCTestCase {
  /// (file or directory below BlockchainTests, tests, blocks imported, blocks rejected).
  static let selections: [(String, Int, Int, Int)] = [
    ("ValidBlocks/bcExample", 4, 7, 0),
    ("InvalidBlocks/bcInvalidHeaderTest", 22, 9, 23),
    ("InvalidBlocks/bcMultiChainTest/UncleFromSideChain.json", 1, 7, 1),
  ]

  /// Blocks of up to 61 transactions, run on Block-STM.
  static let parallelSelections: [(String, Int, Int, Int)] = [
    ("ValidBlocks/bcEIP1559", 9, 116, 0),
    ("InvalidBlocks/bcEIP1559", 10, 28, 105),
  ]

  func testSelectedFilesPass() throws {
    try runSelections(Self.selections, blockWorkers: 1)
  }

  func testSelectedFilesPassOnBlockSTM() throws {
    try runSelections(Self.parallelSelections, blockWorkers: 2)
  }

  func runSelections(_ selections: [(String, Int, Int, Int)], blockWorkers: Int) throws {
    let root = SharedFixtures.path("ethereum-tests/BlockchainTests")
    guard FileManager.default.fileExists(atPath: root.path) else {
      throw XCTSkip("shared suite not found at \(root.path)")
    }
    var total = 0
    for (relative, tests, imported, rejected) in selections {
      let sources = try StateTestSuite.sources(
        [root.appendingPathComponent(relative).path], suitePrefix: "BlockchainTests")
      var cases: [BlockchainTestCaseResult] = []
      for source in sources {
        XCTAssertTrue(source.relativePath.hasPrefix(relative), source.relativePath)
        let result = BlockchainTestRunner.run(source, blockWorkers: blockWorkers)
        XCTAssertNil(result.error, "\(relative): \(result.error.map { "\($0)" } ?? "")")
        cases += result.cases
      }
      for outcome in cases {
        XCTAssertEqual(outcome.status, .passed, "\(outcome.id): \(outcome.detail)")
      }
      XCTAssertEqual(cases.count, tests, relative)
      XCTAssertEqual(cases.map(\.imported).reduce(0, +), imported, relative)
      XCTAssertEqual(cases.map(\.rejected).reduce(0, +), rejected, relative)
      total += cases.count
    }
    reportSuite(
      "FixturesTests shared blockchain tests (\(blockWorkers) block workers)", passed: total,
      failed: 0)
  }

  // MARK: - A synthetic chain

  static let recipient = Address(bytes: [UInt8](repeating: 0x11, count: 20))

  /// An empty Cancun genesis header over `state`.
  static func genesis(_ state: InMemoryState) -> BlockHeader {
    BlockHeader(
      stateRoot: state.stateRoot(), gasLimit: 30_000_000, baseFee: UInt256(1_000_000_000),
      withdrawalsRoot: MerklePatriciaTrie.emptyRoot, blobGasUsed: 0, excessBlobGas: 0,
      parentBeaconBlockRoot: .zero)
  }

  /// A valid empty child of `parent` (one withdrawal of `gwei` to `recipient`
  /// when non-zero), with the state after it.
  static func child(
    of parent: BlockHeader, state: InMemoryState, timestamp: UInt64, gwei: UInt64 = 0
  ) -> (BlockHeader, InMemoryState) {
    var state = state
    let withdrawals =
      gwei == 0 ? [] : [Withdrawal(index: 0, validatorIndex: 0, address: recipient, amount: gwei)]
    for withdrawal in withdrawals {
      state.credit(withdrawal.address, UInt256(withdrawal.amount) &* UInt256(1_000_000_000))
    }
    let header = BlockHeader(
      parentHash: parent.hash, stateRoot: state.stateRoot(), number: parent.number + 1,
      gasLimit: parent.gasLimit, timestamp: timestamp,
      baseFee: BlockValidation.expectedBaseFee(parent: parent),
      withdrawalsRoot: MerklePatriciaTrie.orderedRoot(withdrawals.map(\.encoded)), blobGasUsed: 0,
      excessBlobGas: 0, parentBeaconBlockRoot: .zero)
    return (header, state)
  }

  /// rlp([header, [], [], withdrawals]).
  static func blockRLP(_ header: BlockHeader, withdrawals: [Withdrawal] = []) -> [UInt8] {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      list.appendRaw(header.encoded)
      list.appendList { _ in }
      list.appendList { _ in }
      list.appendList { items in
        for withdrawal in withdrawals { items.appendRaw(withdrawal.encoded) }
      }
    }
    return encoder.bytes
  }

  func testSideChainBecomesHeadAndInvalidBlocksAreSkipped() throws {
    let pre = InMemoryState()
    let genesis = Self.genesis(pre)
    // Branch A: one block; branch B (from genesis): two blocks, the second
    // paying a withdrawal; then an invalid block (timestamp not after its parent).
    let (a1, _) = Self.child(of: genesis, state: pre, timestamp: 10)
    let (b1, b1State) = Self.child(of: genesis, state: pre, timestamp: 12)
    let (b2, b2State) = Self.child(of: b1, state: b1State, timestamp: 24, gwei: 5)
    var bad = Self.child(of: b2, state: b2State, timestamp: 30).0
    bad.timestamp = b2.timestamp
    let withdrawal = Withdrawal(index: 0, validatorIndex: 0, address: Self.recipient, amount: 5)

    func test(head: Bytes32) -> BlockchainTest {
      BlockchainTest(
        name: "sideChain", network: "Cancun", pre: [:], genesisRLP: Self.blockRLP(genesis),
        genesisHash: genesis.hash,
        blocks: [
          BlockchainTestBlock(rlp: Self.blockRLP(a1)),
          BlockchainTestBlock(rlp: Self.blockRLP(b1)),
          BlockchainTestBlock(rlp: Self.blockRLP(b2, withdrawals: [withdrawal])),
          BlockchainTestBlock(
            rlp: Self.blockRLP(bad),
            expectException: "BlockException.INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT"),
          BlockchainTestBlock(
            rlp: [0xc0], expectException: "BlockException.RLP_STRUCTURES_ENCODING"),
        ],
        postState: [Self.recipient: StateTestAccount(balance: UInt256(5_000_000_000))],
        lastBlockHash: head)
    }

    let passing = BlockchainTestRunner.run(test(head: b2.hash), file: "synthetic.json")
    XCTAssertEqual(passing.status, .passed, passing.detail)
    XCTAssertEqual(passing.imported, 3)
    XCTAssertEqual(passing.rejected, 2)
    XCTAssertEqual(passing.head, b2.hash)
    XCTAssertEqual(passing.id.description, "synthetic.json::sideChain::Cancun")

    // Branch A's head has not seen the withdrawal.
    let wrongHead = BlockchainTestRunner.run(test(head: a1.hash), file: "synthetic.json")
    XCTAssertEqual(wrongHead.status, .failed(reason: "post-state mismatch"))

    // An expected-valid block that is rejected fails the test.
    var strict = test(head: b2.hash)
    strict.blocks[3].expectException = nil
    let rejected = BlockchainTestRunner.run(strict, file: "synthetic.json")
    XCTAssertEqual(rejected.status, .failed(reason: "block 4 rejected"))
    XCTAssertTrue(rejected.detail.contains("timestamp"), rejected.detail)

    // A rejection must be of the kind the test expects (names not known here allow any).
    var otherReason = test(head: b2.hash)
    otherReason.blocks[3].expectException = "BlockException.INVALID_STATE_ROOT"
    XCTAssertEqual(
      BlockchainTestRunner.run(otherReason, file: "synthetic.json").status,
      .failed(reason: "block 4 rejected for another reason"))
    otherReason.blocks[3].expectException =
      "TransactionException.NONCE_MISMATCH_TOO_LOW|BlockException.SOMETHING_NEW"
    XCTAssertEqual(BlockchainTestRunner.run(otherReason, file: "synthetic.json").status, .passed)
    XCTAssertEqual(
      BlockchainTestRunner.RejectionKind.expected(
        by: "TransactionException.A|BlockException.INVALID_LOG_BLOOM"), [.transaction, .commitment])
  }

  // MARK: - Header rules

  func testHeaderValidationRules() throws {
    let genesis = Self.genesis(InMemoryState())
    let (child, _) = Self.child(of: genesis, state: InMemoryState(), timestamp: 12)
    XCTAssertNoThrow(
      try BlockValidation.validateHeader(
        child, parent: genesis, parentHash: genesis.hash, fork: .cancun))

    func rejects(_ change: (inout BlockHeader) -> Void, _ fragment: String, line: UInt = #line) {
      var header = child
      change(&header)
      XCTAssertThrowsError(
        try BlockValidation.validateHeader(
          header, parent: genesis, parentHash: genesis.hash, fork: .cancun),
        line: line
      ) { error in
        XCTAssertTrue("\(error)".contains(fragment), "\(error)", line: line)
      }
    }
    rejects({ $0.gasLimit = 30_000_000 + 30_000_000 / 1024 }, "gas limit")
    rejects({ $0.gasLimit = 30_000_000 - 30_000_000 / 1024 }, "gas limit")
    rejects({ $0.gasUsed = $0.gasLimit + 1 }, "gas used")
    rejects({ $0.baseFee = UInt256(1_000_000_000) }, "base fee")
    rejects({ $0.timestamp = 0 }, "timestamp")
    rejects({ $0.number = 2 }, "number")
    rejects({ $0.extraData = [UInt8](repeating: 1, count: 33) }, "extra data")
    rejects({ $0.difficulty = .one }, "difficulty")
    rejects({ $0.nonce[7] = 1 }, "nonce")
    rejects({ $0.ommersHash = .zero }, "ommers")
    rejects({ $0.excessBlobGas = 1 }, "excess blob gas")
    rejects({ $0.parentHash = .zero }, "parent hash")
    rejects({ $0.requestsHash = .zero }, "fields")

    // Before the Merge the rules (difficulty, seal, ommers) are not implemented.
    XCTAssertThrowsError(
      try BlockValidation.validateHeader(
        child, parent: genesis, parentHash: genesis.hash, fork: .london))
  }

  func testBaseFeeGasLimitAndBlobGasArithmetic() {
    var parent = BlockHeader(gasLimit: 30_000_000, gasUsed: 15_000_000, baseFee: UInt256(1000))
    XCTAssertEqual(BlockValidation.expectedBaseFee(parent: parent), UInt256(1000))
    parent.gasUsed = 30_000_000
    XCTAssertEqual(BlockValidation.expectedBaseFee(parent: parent), UInt256(1125))
    parent.gasUsed = 0
    XCTAssertEqual(BlockValidation.expectedBaseFee(parent: parent), UInt256(875))
    parent.baseFee = UInt256(7)
    parent.gasUsed = 15_000_001
    XCTAssertEqual(BlockValidation.expectedBaseFee(parent: parent), UInt256(8), "at least +1")
    // base fee × gas delta overflows 256 bits; the result does not.
    parent.baseFee = UInt256.one << 250
    parent.gasUsed = 30_000_000
    XCTAssertEqual(
      BlockValidation.expectedBaseFee(parent: parent), (UInt256.one << 250) &+ (UInt256.one << 247))

    XCTAssertTrue(BlockValidation.checkGasLimit(30_029_295, parentGasLimit: 30_000_000))
    XCTAssertFalse(BlockValidation.checkGasLimit(30_029_296, parentGasLimit: 30_000_000))
    XCTAssertTrue(BlockValidation.checkGasLimit(29_970_705, parentGasLimit: 30_000_000))
    XCTAssertFalse(BlockValidation.checkGasLimit(29_970_704, parentGasLimit: 30_000_000))
    XCTAssertFalse(BlockValidation.checkGasLimit(4_999, parentGasLimit: 5_000))

    let blob = BlockHeader(blobGasUsed: 6 * 131_072, excessBlobGas: 0)
    XCTAssertEqual(BlockValidation.expectedExcessBlobGas(parent: blob, fork: .cancun), 3 * 131_072)
    XCTAssertEqual(BlockValidation.expectedExcessBlobGas(parent: blob, fork: .prague), 0)
    XCTAssertEqual(BlockValidation.expectedExcessBlobGas(parent: BlockHeader(), fork: .cancun), 0)
  }

  func testHeaderRoundTripAndNetworks() throws {
    let header = Self.genesis(InMemoryState())
    XCTAssertEqual(try BlockHeader(rlp: header.encoded), header)
    XCTAssertEqual(header.fieldCount, 20)
    let block = try DecodedBlock(rlp: Self.blockRLP(header))
    XCTAssertEqual(block.hash, header.hash)
    XCTAssertEqual(block.withdrawals, [])
    XCTAssertEqual(block.transactionsRoot, MerklePatriciaTrie.emptyRoot)
    XCTAssertThrowsError(try DecodedBlock(rlp: Self.blockRLP(header) + [0x80]))

    XCTAssertEqual(ForkSchedule(network: "Cancun"), ForkSchedule(.cancun))
    let transition = try XCTUnwrap(ForkSchedule(network: "ShanghaiToCancunAtTime15k"))
    XCTAssertEqual(transition.fork(number: 5, timestamp: 14_999), .shanghai)
    XCTAssertEqual(transition.fork(number: 5, timestamp: 15_000), .cancun)
    XCTAssertEqual(
      ForkSchedule(network: "BerlinToLondonAt5")?.fork(number: 5, timestamp: 0), .london)
    XCTAssertNil(ForkSchedule(network: "Nonsense"))

    let known = try KnownFailures(parsing: "a.json::t::Cancun  # reason", minimumParts: 3)
    XCTAssertTrue(
      known.contains(BlockchainTestCaseID(file: "a.json", test: "t", network: "Cancun")))
  }
}

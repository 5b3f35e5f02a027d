import EVM
import EVMPrimitives
import Execution
import Fixtures
import Transactions
import WorldState
import XCTest

/// The hand-written token and pool contracts, run by the project's EVM, and
/// the assembler they are written with.
final class WorkloadContractsTests: XCTestCase {
  let token = Address(hex: "0x00000000000000000000000000000000000000a1")!
  let pool = Address(hex: "0x00000000000000000000000000000000000000b2")!
  let alice = Address(hex: "0x00000000000000000000000000000000000a11ce")!
  let bob = Address(hex: "0x0000000000000000000000000000000000000b0b")!
  let ether = UInt256(1_000_000_000_000_000_000)

  func deploy(
    _ code: [UInt8], at address: Address, storage: [UInt256: UInt256], in state: inout InMemoryState
  ) {
    let bytecode = BytecodeCache.shared.bytecode(for: code)
    state.accounts[address] = StoredAccount(
      info: AccountInfo(balance: .zero, nonce: 1, codeHash: bytecode.hash), code: bytecode,
      storage: FlatDictionary(storage))
  }

  /// Executes a call from `sender` and commits it; returns the outcome.
  @discardableResult
  func call(
    _ state: inout InMemoryState, from sender: Address, to: Address, data: [UInt8],
    fork: Fork = .cancun
  )
    throws -> TransactionOutcome
  {
    if state.accounts[sender] == nil {
      state.accounts[sender] = StoredAccount(info: AccountInfo(balance: ether))
    }
    let tx = Transaction(
      type: .dynamicFee, chainId: 1, nonce: state.accounts[sender]!.info.nonce,
      maxPriorityFeePerGas: .one,
      maxFeePerGas: UInt256(10), gasLimit: 200_000, to: to, data: data)
    let outcome = try TransactionProcessor.execute(
      tx, sender: sender, view: state, block: BlockEnvironment(fork: fork, baseFee: .one))
    state.apply(outcome.changes)
    return outcome
  }

  func word(_ output: [UInt8], _ index: Int = 0) -> UInt256 {
    UInt256(bigEndian: output[(32 * index)..<(32 * index + 32)])
  }

  // MARK: Token

  func testTransferMovesBalanceAndLogs() throws {
    var state = InMemoryState()
    deploy(
      WorkloadToken.code, at: token,
      storage: [WorkloadToken.balanceSlot(of: alice): UInt256(1_000)], in: &state)
    let outcome = try call(
      &state, from: alice, to: token,
      data: WorkloadToken.transferCall(to: bob, amount: UInt256(300)))
    XCTAssertEqual(outcome.status, .success)
    XCTAssertEqual(word(outcome.output), .one, "transfer returns true")
    XCTAssertEqual(state.storage(token, WorkloadToken.balanceSlot(of: alice)), UInt256(700))
    XCTAssertEqual(state.storage(token, WorkloadToken.balanceSlot(of: bob)), UInt256(300))
    XCTAssertEqual(outcome.logs.count, 1)
    let log = outcome.logs[0]
    XCTAssertEqual(log.address, token)
    XCTAssertEqual(
      log.topics, [WorkloadToken.transferTopic, Bytes32(word: alice.word), Bytes32(word: bob.word)])
    XCTAssertEqual(UInt256(bigEndian: log.data), UInt256(300))
    XCTAssertEqual(
      WorkloadToken.transferTopic, Keccak256.hash(Array("Transfer(address,address,uint256)".utf8)))

    // balanceOf reads the mapping.
    let balance = try call(&state, from: bob, to: token, data: WorkloadToken.balanceOfCall(bob))
    XCTAssertEqual(word(balance.output), UInt256(300))

    // The whole balance may go; a self-transfer changes nothing.
    try call(
      &state, from: alice, to: token,
      data: WorkloadToken.transferCall(to: alice, amount: UInt256(700)))
    XCTAssertEqual(state.storage(token, WorkloadToken.balanceSlot(of: alice)), UInt256(700))
    let all = try call(
      &state, from: alice, to: token,
      data: WorkloadToken.transferCall(to: bob, amount: UInt256(700)))
    XCTAssertEqual(all.status, .success)
    XCTAssertEqual(state.storage(token, WorkloadToken.balanceSlot(of: alice)), .zero)
    XCTAssertEqual(state.storage(token, WorkloadToken.balanceSlot(of: bob)), UInt256(1_000))
  }

  func testOverspendRevertsAndChangesNothing() throws {
    var state = InMemoryState()
    deploy(
      WorkloadToken.code, at: token,
      storage: [WorkloadToken.balanceSlot(of: alice): UInt256(1_000)], in: &state)
    let outcome = try call(
      &state, from: alice, to: token,
      data: WorkloadToken.transferCall(to: bob, amount: UInt256(1_001)))
    XCTAssertEqual(outcome.status, .revert)
    XCTAssertTrue(outcome.logs.isEmpty)
    XCTAssertEqual(state.storage(token, WorkloadToken.balanceSlot(of: alice)), UInt256(1_000))
    XCTAssertEqual(state.storage(token, WorkloadToken.balanceSlot(of: bob)), .zero)
    XCTAssertEqual(state.accounts[alice]!.info.nonce, 1, "a reverted transaction still counts")
    // An unknown selector reverts too.
    let unknown = try call(&state, from: alice, to: token, data: [0xde, 0xad, 0xbe, 0xef])
    XCTAssertEqual(unknown.status, .revert)
  }

  func testBalanceSlotIsSolidityMappingLayout() {
    // keccak256(pad32(alice) ‖ pad32(0)), computed independently.
    var preimage = [UInt8](repeating: 0, count: 64)
    preimage.replaceSubrange(12..<32, with: alice.bytes)
    XCTAssertEqual(WorkloadToken.balanceSlot(of: alice), Keccak256.hash(preimage).word)
    preimage[63] = 3
    XCTAssertEqual(WorkloadPool.ledgerSlot(of: alice, token: 1), Keccak256.hash(preimage).word)
  }

  // MARK: Pool

  func testSwapKeepsTheProductAndMovesLedgers() throws {
    var state = InMemoryState()
    let r0 = UInt256(1_000_000) &* ether
    let r1 = UInt256(2_000_000) &* ether
    deploy(
      WorkloadPool.code, at: pool,
      storage: [
        WorkloadPool.reserve0Slot: r0, WorkloadPool.reserve1Slot: r1,
        WorkloadPool.ledgerSlot(of: alice, token: 0): UInt256(100) &* ether,
        WorkloadPool.ledgerSlot(of: alice, token: 1): UInt256(100) &* ether,
      ], in: &state)
    var reserve0 = r0
    var reserve1 = r1
    var ledger0 = UInt256(100) &* ether
    var ledger1 = UInt256(100) &* ether
    for (amount, zeroForOne) in [
      (UInt256(10) &* ether, true), (UInt256(7) &* ether, false), (UInt256(12_345), true),
    ] {
      let k = reserve0 &* reserve1
      let expectedOut = WorkloadPool.amountOut(
        amountIn: amount, reserveIn: zeroForOne ? reserve0 : reserve1,
        reserveOut: zeroForOne ? reserve1 : reserve0)
      let outcome = try call(
        &state, from: alice, to: pool,
        data: WorkloadPool.swapCall(amountIn: amount, zeroForOne: zeroForOne))
      XCTAssertEqual(outcome.status, .success)
      XCTAssertEqual(word(outcome.output), expectedOut)
      XCTAssertFalse(expectedOut.isZero)
      if zeroForOne {
        reserve0 = reserve0 &+ amount
        reserve1 = reserve1 &- expectedOut
        ledger0 = ledger0 &- amount
        ledger1 = ledger1 &+ expectedOut
      } else {
        reserve1 = reserve1 &+ amount
        reserve0 = reserve0 &- expectedOut
        ledger1 = ledger1 &- amount
        ledger0 = ledger0 &+ expectedOut
      }
      XCTAssertEqual(state.storage(pool, WorkloadPool.reserve0Slot), reserve0)
      XCTAssertEqual(state.storage(pool, WorkloadPool.reserve1Slot), reserve1)
      XCTAssertEqual(state.storage(pool, WorkloadPool.ledgerSlot(of: alice, token: 0)), ledger0)
      XCTAssertEqual(state.storage(pool, WorkloadPool.ledgerSlot(of: alice, token: 1)), ledger1)
      XCTAssertGreaterThanOrEqual(reserve0 &* reserve1, k, "x·y fell below k")
      XCTAssertEqual(outcome.logs.count, 1)
      XCTAssertEqual(outcome.logs[0].topics, [WorkloadPool.swapTopic, Bytes32(word: alice.word)])
      XCTAssertEqual(UInt256(bigEndian: outcome.logs[0].data[0..<32]), amount)
      XCTAssertEqual(UInt256(bigEndian: outcome.logs[0].data[32..<64]), expectedOut)
      XCTAssertEqual(UInt256(bigEndian: outcome.logs[0].data[64..<96]), zeroForOne ? .one : .zero)
    }
    let reserves = try call(&state, from: bob, to: pool, data: WorkloadPool.getReservesCall)
    XCTAssertEqual(word(reserves.output, 0), reserve0)
    XCTAssertEqual(word(reserves.output, 1), reserve1)
    XCTAssertEqual(
      WorkloadPool.swapTopic, Keccak256.hash(Array("Swap(address,uint256,uint256,bool)".utf8)))
  }

  func testSwapBeyondTheLedgerOrForNothingReverts() throws {
    var state = InMemoryState()
    let storage: [UInt256: UInt256] = [
      WorkloadPool.reserve0Slot: UInt256(1_000_000), WorkloadPool.reserve1Slot: UInt256(1_000_000),
      WorkloadPool.ledgerSlot(of: alice, token: 0): UInt256(50),
    ]
    deploy(WorkloadPool.code, at: pool, storage: storage, in: &state)
    let tooMuch = try call(
      &state, from: alice, to: pool,
      data: WorkloadPool.swapCall(amountIn: UInt256(51), zeroForOne: true))
    XCTAssertEqual(tooMuch.status, .revert)
    let nothing = try call(
      &state, from: alice, to: pool, data: WorkloadPool.swapCall(amountIn: .one, zeroForOne: true))
    XCTAssertEqual(nothing.status, .revert, "an output of zero reverts")
    let otherToken = try call(
      &state, from: alice, to: pool,
      data: WorkloadPool.swapCall(amountIn: UInt256(10), zeroForOne: false))
    XCTAssertEqual(otherToken.status, .revert, "alice has no token 1")
    XCTAssertEqual(state.accounts[pool]!.storage, FlatDictionary(storage))
  }

  func testContractsRunOnLondon() throws {
    // No PUSH0 (Shanghai): the generator's London blocks depend on it.
    for code in [WorkloadToken.code, WorkloadPool.code] {
      XCTAssertFalse(EVMAssembler.disassemble(code).contains { $0.hasSuffix(": PUSH0") })
    }
    var state = InMemoryState()
    deploy(
      WorkloadToken.code, at: token, storage: [WorkloadToken.balanceSlot(of: alice): UInt256(5)],
      in: &state)
    let outcome = try call(
      &state, from: alice, to: token, data: WorkloadToken.transferCall(to: bob, amount: UInt256(5)),
      fork: .london)
    XCTAssertEqual(outcome.status, .success)
  }

  // MARK: Assembler

  func testAssembler() throws {
    let code = try EVMAssembler.assemble(
      """
      ; comment line
          PUSH1 0x2a PUSH2 @end JUMP   ; jump over the revert
          PUSH1 0 DUP1 REVERT
      end:
          JUMPDEST sha3 PUSH32 1 PUSH3 65535
      """)
    XCTAssertEqual(
      code,
      [0x60, 0x2a, 0x61, 0x00, 0x0a, 0x56, 0x60, 0x00, 0x80, 0xfd, 0x5b, 0x20, 0x7f]
        + [UInt8](repeating: 0, count: 31) + [0x01, 0x62, 0x00, 0xff, 0xff])
    XCTAssertEqual(
      EVMAssembler.disassemble(Array(code.prefix(11))),
      [
        "0000: PUSH1 0x2a", "0002: PUSH2 0x000a", "0005: JUMP", "0006: PUSH1 0x00", "0008: DUP1",
        "0009: REVERT", "000a: JUMPDEST",
      ])
    XCTAssertEqual(EVMAssembler.disassemble([0x0c]), ["0000: INVALID(0x0c)"])

    for (source, line) in [
      ("PUSH1 0x100", 1), ("\nFOO", 2), ("PUSH2 @nowhere", 1), ("a:\na:", 2), ("PUSH1", 1),
      ("PUSH1 0xzz", 1),
    ] {
      XCTAssertThrowsError(try EVMAssembler.assemble(source), source) { error in
        XCTAssertEqual((error as? AssemblyError)?.line, line, source)
      }
    }
  }

  func testContractSourcesRoundTrip() throws {
    // Every instruction of the listings assembles to what the disassembler reads back.
    for code in [WorkloadToken.code, WorkloadPool.code] {
      let listing = EVMAssembler.disassemble(code)
      let reassembled = try EVMAssembler.assemble(
        listing.map { $0.split(separator: " ", maxSplits: 1)[1] }.joined(separator: "\n"))
      XCTAssertEqual(reassembled, code)
    }
    XCTAssertLessThan(WorkloadToken.code.count, 256)
    XCTAssertLessThan(WorkloadPool.code.count, 512)
  }
}

import EVM
import EVMCrypto
import EVMPrimitives

/// System calls made by the block itself (EIP-4788, EIP-2935, EIP-7002, EIP-7251):
/// a call from the system address with 30M gas that pays no fee.
public enum SystemCall {
  public static let systemAddress = Address(hex: "0xfffffffffffffffffffffffffffffffffffffffe")!
  public static let beaconRoots = Address(hex: "0x000f3df6d732807ef1319fb7b8bb8522d0beac02")!
  public static let historyStorage = Address(hex: "0x0000f90827f1c53a10cb7a02335b175320002935")!
  public static let withdrawalRequests = Address(hex: "0x00000961ef480eb55e80d19ad83579a64c007002")!
  public static let consolidationRequests = Address(
    hex: "0x0000bbddc7ce488642fb579f8b00f3a590007251")!
  public static let gas: Int64 = 30_000_000

  /// The result of one system call.
  public struct Outcome: Sendable {
    public var status: ExecutionStatus
    public var output: [UInt8]
    public var changes: StateChanges
    /// False when the target has no code (the call did nothing).
    public var hadCode: Bool
  }

  /// Calls `target` with `data` against `view`.
  public static func execute<View: StateView>(
    target: Address, data: [UInt8], view: View, block: BlockEnvironment
  ) -> Outcome {
    let state = JournaledState(view: view, fork: block.fork)
    let code = state.code(target)
    if code.count == 0 {
      return Outcome(status: .success, output: [], changes: StateChanges(), hadCode: false)
    }
    let evm = EVM(
      state: state, block: block,
      transaction: TransactionContext(origin: systemAddress, gasPrice: block.baseFee))
    let message = Message(
      kind: .call, caller: systemAddress, target: target, codeAddress: target, value: .zero,
      input: data, gas: gas, depth: 0, isStatic: false, shouldTransferValue: false, code: code)
    let result = evm.execute(message)
    return Outcome(
      status: result.status, output: result.output, changes: state.finalize(), hadCode: true)
  }
}

/// EIP-6110 deposit requests parsed from the deposit contract's logs.
public enum DepositRequests {
  public static let contract = Address(hex: "0x00000000219ab540356cbb839cbe05303d7705fa")!
  public static let eventSignature = Bytes32(
    hex: "0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5")!

  /// The concatenated deposit data of every deposit event in `logs`.
  public static func parse(_ logs: [Log]) throws(BlockError) -> [UInt8] {
    var requests: [UInt8] = []
    for log in logs where log.address == contract && log.topics.first == eventSignature {
      requests += try extract(log.data)
    }
    return requests
  }

  static func extract(_ data: [UInt8]) throws(BlockError) -> [UInt8] {
    guard data.count == 576 else {
      throw .invalidDeposit("event data length \(data.count), expected 576")
    }
    func word(_ offset: Int) -> UInt256 { UInt256(bigEndian: data[offset..<offset + 32]) }
    let layout: [(name: String, offset: Int, size: Int)] = [
      ("pubkey", 160, 48), ("withdrawal credentials", 256, 32), ("amount", 320, 8),
      ("signature", 384, 96), ("index", 512, 8),
    ]
    var out: [UInt8] = []
    for (i, field) in layout.enumerated() {
      guard word(32 * i) == UInt256(UInt64(field.offset)) else {
        throw .invalidDeposit("\(field.name) offset")
      }
      guard word(field.offset) == UInt256(UInt64(field.size)) else {
        throw .invalidDeposit("\(field.name) size")
      }
      out += data[field.offset + 32..<field.offset + 32 + field.size]
    }
    return out
  }

  /// EIP-7685: sha256(sha256(r₀) ‖ sha256(r₁) ‖ …) over non-empty requests.
  public static func requestsHash(_ requests: [[UInt8]]) -> Bytes32 {
    var concatenated: [UInt8] = []
    for request in requests where request.count > 1 {
      concatenated += SHA256Digest.hash(request).bytes
    }
    return SHA256Digest.hash(concatenated)
  }
}

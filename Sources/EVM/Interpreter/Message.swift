import EVMPrimitives

/// How a frame was entered.
public enum CallKind: UInt8, Sendable {
  case call, callCode, delegateCall, staticCall, create, create2

  @inlinable public var isCreate: Bool { self == .create || self == .create2 }
}

/// A message call or contract creation: the input of one frame.
public struct Message {
  public var kind: CallKind
  /// `msg.sender` of the frame.
  public var caller: Address
  /// The account whose storage and balance the frame uses (`address(this)`).
  public var target: Address
  /// The account whose code runs (differs for CALLCODE/DELEGATECALL).
  public var codeAddress: Address
  public var value: UInt256
  public var input: [UInt8]
  public var gas: Int64
  public var depth: Int
  public var isStatic: Bool
  /// False for DELEGATECALL (value is inherited, not moved).
  public var shouldTransferValue: Bool
  /// The code to run (initcode for creations).
  public var code: Bytecode

  public init(
    kind: CallKind, caller: Address, target: Address, codeAddress: Address, value: UInt256,
    input: [UInt8], gas: Int64, depth: Int, isStatic: Bool, shouldTransferValue: Bool,
    code: Bytecode
  ) {
    self.kind = kind
    self.caller = caller
    self.target = target
    self.codeAddress = codeAddress
    self.value = value
    self.input = input
    self.gas = gas
    self.depth = depth
    self.isStatic = isStatic
    self.shouldTransferValue = shouldTransferValue
    self.code = code
  }
}

/// How a frame ended.
public enum ExecutionStatus: Equatable, Sendable {
  case success
  case revert
  /// An exceptional halt: all gas of the frame is consumed.
  case failure(Halt)

  @inlinable public var isSuccess: Bool { self == .success }
}

/// The reason of an exceptional halt.
public enum Halt: String, Error, Sendable {
  case outOfGas, stackUnderflow, stackOverflow, invalidOpcode, invalidJump
  case staticStateChange, returnDataOutOfBounds, callDepthExceeded, insufficientBalance
  case createCollision, codeSizeExceeded, invalidCodePrefix, nonceOverflow
  case initcodeSizeExceeded, precompileFailure
}

/// The output of one message.
public struct MessageResult {
  public var status: ExecutionStatus
  public var gasLeft: Int64
  public var output: [UInt8]
  /// The new contract's address for a successful creation.
  public var createdAddress: Address?

  public init(
    status: ExecutionStatus, gasLeft: Int64, output: [UInt8], createdAddress: Address? = nil
  ) {
    self.status = status
    self.gasLeft = gasLeft
    self.output = output
    self.createdAddress = createdAddress
  }
}

/// Block-level values the EVM reads (BLOCKHASH, COINBASE, …).
public struct BlockEnvironment: Sendable {
  public var fork: Fork
  public var chainId: UInt64
  public var coinbase: Address
  public var number: UInt64
  public var timestamp: UInt64
  public var gasLimit: UInt64
  /// DIFFICULTY before the Merge.
  public var difficulty: UInt256
  /// PREVRANDAO from the Merge on.
  public var prevRandao: Bytes32
  public var baseFee: UInt256
  /// EIP-4844 excess blob gas (from Cancun).
  public var excessBlobGas: UInt64
  public var blobBaseFee: UInt256

  public init(
    fork: Fork, chainId: UInt64 = 1, coinbase: Address = .zero, number: UInt64 = 0,
    timestamp: UInt64 = 0, gasLimit: UInt64 = 30_000_000, difficulty: UInt256 = .zero,
    prevRandao: Bytes32 = .zero, baseFee: UInt256 = .zero, excessBlobGas: UInt64 = 0,
    blobBaseFee: UInt256 = .one
  ) {
    self.fork = fork
    self.chainId = chainId
    self.coinbase = coinbase
    self.number = number
    self.timestamp = timestamp
    self.gasLimit = gasLimit
    self.difficulty = difficulty
    self.prevRandao = prevRandao
    self.baseFee = baseFee
    self.excessBlobGas = excessBlobGas
    self.blobBaseFee = blobBaseFee
  }
}

/// Transaction-level values the EVM reads (ORIGIN, GASPRICE, BLOBHASH).
public struct TransactionContext: Sendable {
  public var origin: Address
  public var gasPrice: UInt256
  public var blobVersionedHashes: [Bytes32]

  public init(origin: Address, gasPrice: UInt256, blobVersionedHashes: [Bytes32] = []) {
    self.origin = origin
    self.gasPrice = gasPrice
    self.blobVersionedHashes = blobVersionedHashes
  }
}

import EVMPrimitives

#if canImport(Glibc)
  import Glibc
#endif

/// Maximum call depth.
public let callDepthLimit = 1024

/// The Ethereum virtual machine for one transaction, generic over the state
/// it reads so that every state access is specialised.
///
/// Frames run iteratively: a CALL or CREATE returns to the driver loop in
/// `execute`, which pushes the child frame, so a depth of 1024 uses heap
/// frames, not the thread stack.
public final class EVM<View: StateView> {
  public let state: JournaledState<View>
  public let block: BlockEnvironment
  public private(set) var transaction: TransactionContext
  public let fork: Fork
  @usableFromInline let table: InstructionTable
  /// Prints one EIP-3155-style line per instruction to standard error
  /// (`PEVM_TRACE=1`); read once per EVM so the loop tests a stored flag.
  @usableFromInline let tracing: Bool
  /// True once a precompile whose cryptography is pending was called.
  public private(set) var calledPendingPrecompile = false
  @usableFromInline var frames: [(frame: Frame, checkpoint: JournaledState<View>.Checkpoint)] = []
  /// Finished frames kept for the next calls (their stack and memory
  /// buffers are reused).
  var spareFrames: [Frame] = []

  public init(state: JournaledState<View>, block: BlockEnvironment, transaction: TransactionContext)
  {
    self.state = state
    self.block = block
    self.transaction = transaction
    self.fork = block.fork
    self.table = InstructionTable.forFork(block.fork)
    self.tracing = EVMTrace.enabled
  }

  /// Readies a reused EVM for the next transaction of the same block.
  public func begin(_ transaction: TransactionContext) {
    self.transaction = transaction
    calledPendingPrecompile = false
  }

  // MARK: - Driver

  /// Runs `message` (and every frame it spawns) to completion.
  public func execute(_ message: Message) -> MessageResult {
    var pending: FrameAction
    switch enter(message) {
    case .finished(let result): return result
    case .started(let frame):
      pending = run(frame)
    }
    while true {
      switch pending {
      case .call(let child):
        let parent = frames[frames.count - 1].frame
        switch enter(child) {
        case .started(let frame): pending = run(frame)
        case .finished(let result):
          resume(parent, with: result, kind: child.kind)
          pending = run(parent)
        }
      case .halt(let status, let output):
        let result = leave(status: status, output: output)
        guard let parent = frames.last?.frame else { return result.result }
        resume(parent, with: result.result, kind: result.kind)
        pending = run(parent)
      }
    }
  }

  enum EnterOutcome {
    case started(Frame)
    case finished(MessageResult)
  }

  /// Starts a message: checkpoint, value transfer, and either a precompile
  /// result or a new frame on the frame stack.
  func enter(_ message: Message) -> EnterOutcome {
    let checkpoint = state.checkpoint()
    if message.kind.isCreate {
      // process_create_message: the new account starts with nonce 1 (EIP-161).
      state.markCreated(message.target)
      if fork >= .spuriousDragon { state.setNonce(message.target, 1) }
    } else if fork < .paris {
      state.touch(message.target)
    }
    if message.shouldTransferValue && !message.value.isZero {
      state.debit(message.caller, message.value)
      state.credit(message.target, message.value)
    }
    if !message.kind.isCreate, let precompile = Precompiles.lookup(message.codeAddress, fork: fork)
    {
      if !precompile.isImplemented { calledPendingPrecompile = true }
      var result = precompile.run(message.input, message.gas, fork)
      if !result.status.isSuccess {
        state.revert(to: checkpoint)
        if case .failure = result.status { result.gasLeft = 0 }
      }
      return .finished(result)
    }
    if message.code.count == 0 && !message.kind.isCreate {
      return .finished(MessageResult(status: .success, gasLeft: message.gas, output: []))
    }
    let frame: Frame
    if let spare = spareFrames.popLast() {
      spare.reuse(for: message)
      frame = spare
    } else {
      frame = Frame(message: message)
    }
    frames.append((frame, checkpoint))
    return .started(frame)
  }

  /// Ends the top frame: code deposit for creations, commit or revert.
  func leave(status: ExecutionStatus, output: [UInt8]) -> (result: MessageResult, kind: CallKind) {
    let (frame, checkpoint) = frames.removeLast()
    let message = frame.message
    defer { spareFrames.append(frame) }
    var status = status
    var output = output
    var gasLeft = frame.gas
    if case .failure = status { gasLeft = 0 }
    if status.isSuccess && message.kind.isCreate {
      let depositCost = Int64(output.count) * 200
      if fork >= .london && output.first == 0xef {
        status = .failure(.invalidCodePrefix)
      } else if fork >= .spuriousDragon && output.count > 24_576 {
        status = .failure(.codeSizeExceeded)
      } else if gasLeft < depositCost {
        if fork >= .homestead {
          status = .failure(.outOfGas)
        } else {
          output = []  // Frontier: the contract is created without code.
        }
      } else {
        gasLeft -= depositCost
      }
      if status.isSuccess {
        state.setCode(message.target, BytecodeCache.shared.bytecode(for: output))
        return (
          MessageResult(
            status: .success, gasLeft: gasLeft, output: [], createdAddress: message.target),
          message.kind
        )
      }
    }
    switch status {
    case .success: break
    case .revert: state.revert(to: checkpoint)
    case .failure:
      state.revert(to: checkpoint)
      gasLeft = 0
      output = []
    }
    return (MessageResult(status: status, gasLeft: gasLeft, output: output), message.kind)
  }

  /// Delivers a child's result to its parent frame.
  func resume(_ parent: Frame, with result: MessageResult, kind: CallKind) {
    parent.gas += result.gasLeft
    if kind.isCreate {
      parent.returnData = result.status == .revert ? result.output : []
      parent.push(result.status.isSuccess ? (result.createdAddress?.word ?? .zero) : .zero)
    } else {
      parent.returnData = result.output
      parent.push(result.status.isSuccess ? .one : .zero)
      let count = min(parent.returnSize, result.output.count)
      if count > 0 {
        result.output.withUnsafeBytes { source in
          (parent.memory.buffer + parent.returnOffset).copyMemory(
            from: source.baseAddress!, byteCount: count)
        }
      }
    }
  }

  // MARK: - Account access (EIP-2929)

  /// The access cost of an account from Berlin on (warm 100, cold 2600).

  func accessCost(_ address: Address) -> Int64 {
    state.warmAccount(address) ? 2600 : 100
  }
}

/// What the interpreter asks the driver to do next.
@usableFromInline
enum FrameAction {
  case halt(ExecutionStatus, [UInt8])
  case call(Message)
}

/// Debug tracing switch (`PEVM_TRACE=1` in the environment).
public enum EVMTrace {
  public static let enabled: Bool = getenv("PEVM_TRACE") != nil

  /// Writes `line` to standard error.
  public static func write(_ line: String) {
    var line = line
    line.withUTF8 { buffer in _ = Glibc.write(2, buffer.baseAddress, buffer.count) }
  }
}

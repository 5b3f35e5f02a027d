import EVMPrimitives

/// The ERC-20-like token of the synthetic workloads: hand-written bytecode
/// (assembled from `source` by ``EVMAssembler``), its storage layout and its
/// calldata.
///
/// - `transfer(address to, uint256 amount)` (selector `0xa9059cbb`) moves
///   `amount` from the caller's balance to `to`'s, emits
///   `Transfer(address indexed from, address indexed to, uint256 amount)` and
///   returns `true`; it reverts (empty data) when the caller's balance is
///   below `amount`.
/// - `balanceOf(address)` (selector `0x70a08231`) returns a balance.
/// - anything else reverts.
///
/// Storage is Solidity's layout for `mapping(address => uint256)` at slot 0:
/// the balance of `a` is at `keccak256(pad32(a) ‖ pad32(0))`. No PUSH0, so the
/// code runs from London on.
public enum WorkloadToken {
  /// `keccak256("Transfer(address,address,uint256)")`.
  public static let transferTopic = Bytes32(
    hex: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")!

  /// The assembly source (see ``EVMAssembler`` for the dialect).
  public static let source = """
    ; ---- dispatcher: selector = calldata[0..4]
        PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR      ; [sel]
        DUP1 PUSH4 0xa9059cbb EQ PUSH2 @transfer JUMPI
        DUP1 PUSH4 0x70a08231 EQ PUSH2 @balanceOf JUMPI
    fail:
        JUMPDEST PUSH1 0x00 DUP1 REVERT             ; revert(0, 0)

    ; ---- balanceOf(address owner) -> uint256
    balanceOf:
        JUMPDEST
        PUSH1 0x04 CALLDATALOAD
        PUSH20 0xffffffffffffffffffffffffffffffffffffffff AND
        PUSH1 0x00 MSTORE                           ; mem[0..32] = owner
        PUSH1 0x00 PUSH1 0x20 MSTORE                ; mem[32..64] = slot 0
        PUSH1 0x40 PUSH1 0x00 KECCAK256 SLOAD       ; [balance]
        PUSH1 0x00 MSTORE
        PUSH1 0x20 PUSH1 0x00 RETURN

    ; ---- transfer(address to, uint256 amount) -> bool
    transfer:
        JUMPDEST
        CALLER PUSH1 0x00 MSTORE                    ; mem[0..32] = caller
        PUSH1 0x00 PUSH1 0x20 MSTORE                ; mem[32..64] = slot 0
        PUSH1 0x40 PUSH1 0x00 KECCAK256             ; [fromKey]
        DUP1 SLOAD                                  ; [fromKey, fromBal]
        PUSH1 0x24 CALLDATALOAD                     ; [fromKey, fromBal, amount]
        DUP1 DUP3 LT PUSH2 @fail JUMPI              ; fromBal < amount: revert
        DUP1 SWAP2 SUB                              ; [fromKey, amount, fromBal-amount]
        DUP3 SSTORE                                 ; balances[caller] -= amount; [fromKey, amount]
        SWAP1 POP                                   ; [amount]
        PUSH1 0x04 CALLDATALOAD
        PUSH20 0xffffffffffffffffffffffffffffffffffffffff AND  ; [amount, to]
        DUP1 PUSH1 0x00 MSTORE                      ; mem[0..32] = to (mem[32..64] still 0)
        PUSH1 0x40 PUSH1 0x00 KECCAK256             ; [amount, to, toKey]
        DUP1 SLOAD DUP4 ADD                         ; [amount, to, toKey, toBal+amount]
        SWAP1 SSTORE                                ; balances[to] += amount; [amount, to]
        DUP2 PUSH1 0x00 MSTORE                      ; log data = amount
        CALLER                                      ; [amount, to, from]
        PUSH32 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
        PUSH1 0x20 PUSH1 0x00 LOG3                  ; Transfer(from, to, amount)
        PUSH1 0x01 PUSH1 0x00 MSTORE
        PUSH1 0x20 PUSH1 0x00 RETURN                ; return true
    """

  /// The runtime bytecode.
  public static let code: [UInt8] = {
    do {
      return try EVMAssembler.assemble(source)
    } catch {
      fatalError("WorkloadToken.source: \(error)")
    }
  }()

  /// The storage slot of `owner`'s balance: `keccak256(pad32(owner) ‖ pad32(0))`.
  public static func balanceSlot(of owner: Address) -> UInt256 {
    Keccak256.hash(owner.word.bigEndianBytes + UInt256.zero.bigEndianBytes).word
  }

  /// Calldata of `transfer(to, amount)`.
  public static func transferCall(to: Address, amount: UInt256) -> [UInt8] {
    [0xa9, 0x05, 0x9c, 0xbb] + to.word.bigEndianBytes + amount.bigEndianBytes
  }

  /// Calldata of `balanceOf(owner)`.
  public static func balanceOfCall(_ owner: Address) -> [UInt8] {
    [0x70, 0xa0, 0x82, 0x31] + owner.word.bigEndianBytes
  }
}

/// The constant-product pool of the synthetic workloads (x·y = k with a 0.3 %
/// fee, Uniswap-v2-like but self-contained): hand-written bytecode assembled
/// from `source`, its storage layout and its calldata.
///
/// The pool keeps an internal ledger of two tokens per user in its own storage
/// instead of calling token contracts, so one swap is exactly: debit the
/// caller's input token, read both reserves, write both reserves, credit the
/// caller's output token, log. Every swap on one pool reads and writes the same
/// two reserve slots.
///
/// - `swap(uint256 amountIn, bool zeroForOne)` (selector `0x2aea6605`):
///   `amountOut = amountIn·997·reserveOut / (reserveIn·1000 + amountIn·997)`;
///   reverts when the caller's ledger balance of the input token is below
///   `amountIn` or when `amountOut` is zero. Emits
///   `Swap(address indexed sender, uint256 amountIn, uint256 amountOut, bool zeroForOne)`
///   and returns `amountOut`.
/// - `getReserves()` (selector `0x0902f1ac`) returns `(reserve0, reserve1)`.
///
/// Storage: `reserve0` at slot 0, `reserve1` at slot 1, the ledger of token 0
/// as `mapping(address => uint256)` at slot 2 and of token 1 at slot 3. Memory
/// `0x80…0x140` holds the swap's locals. No PUSH0 (runs from London on).
public enum WorkloadPool {
  /// `keccak256("Swap(address,uint256,uint256,bool)")`.
  public static let swapTopic = Bytes32(
    hex: "0xcc65e4d9060ece2ecf63011ac580550b04c8daeba63fac4dfe8669353cd88859")!

  /// The assembly source (see ``EVMAssembler`` for the dialect).
  public static let source = """
    ; locals: 0x80 amountIn, 0xa0 inSlot (reserve slot of the input token),
    ;         0xc0 outSlot, 0xe0 reserveIn, 0x100 reserveOut, 0x120 amountOut.
    ; ledger of token t (t = reserve slot) = mapping at slot t + 2.
    ; ---- dispatcher
        PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR      ; [sel]
        DUP1 PUSH4 0x2aea6605 EQ PUSH2 @swap JUMPI
        DUP1 PUSH4 0x0902f1ac EQ PUSH2 @getReserves JUMPI
    fail:
        JUMPDEST PUSH1 0x00 DUP1 REVERT

    ; ---- getReserves() -> (uint256, uint256)
    getReserves:
        JUMPDEST
        PUSH1 0x00 SLOAD PUSH1 0x00 MSTORE
        PUSH1 0x01 SLOAD PUSH1 0x20 MSTORE
        PUSH1 0x40 PUSH1 0x00 RETURN

    ; ---- swap(uint256 amountIn, bool zeroForOne) -> uint256 amountOut
    swap:
        JUMPDEST
        PUSH1 0x04 CALLDATALOAD PUSH1 0x80 MSTORE           ; amountIn
        PUSH1 0x24 CALLDATALOAD ISZERO PUSH1 0xa0 MSTORE    ; inSlot = zeroForOne ? 0 : 1
        PUSH1 0xa0 MLOAD ISZERO PUSH1 0xc0 MSTORE           ; outSlot = 1 - inSlot
        ; debit the caller's input-token ledger
        CALLER PUSH1 0x00 MSTORE
        PUSH1 0xa0 MLOAD PUSH1 0x02 ADD PUSH1 0x20 MSTORE
        PUSH1 0x40 PUSH1 0x00 KECCAK256                     ; [key]
        DUP1 SLOAD                                          ; [key, bal]
        PUSH1 0x80 MLOAD                                    ; [key, bal, amountIn]
        DUP1 DUP3 LT PUSH2 @fail JUMPI                      ; bal < amountIn: revert
        SWAP1 SUB                                           ; [key, bal-amountIn]
        SWAP1 SSTORE                                        ; []
        ; reserves
        PUSH1 0xa0 MLOAD SLOAD PUSH1 0xe0 MSTORE            ; reserveIn
        PUSH1 0xc0 MLOAD SLOAD PUSH2 0x0100 MSTORE          ; reserveOut
        ; amountOut = amountIn*997*reserveOut / (reserveIn*1000 + amountIn*997)
        PUSH1 0x80 MLOAD PUSH2 0x03e5 MUL                   ; [inFee]
        DUP1 PUSH1 0xe0 MLOAD PUSH2 0x03e8 MUL ADD          ; [inFee, den]
        SWAP1 PUSH2 0x0100 MLOAD MUL                        ; [den, num]
        DIV                                                 ; [out]
        DUP1 ISZERO PUSH2 @fail JUMPI                       ; out == 0: revert
        DUP1 PUSH2 0x0120 MSTORE                            ; [out]
        PUSH2 0x0100 MLOAD SUB                              ; [reserveOut-out]
        PUSH1 0xc0 MLOAD SSTORE                             ; reserve[outSlot] -= out
        PUSH1 0xe0 MLOAD PUSH1 0x80 MLOAD ADD
        PUSH1 0xa0 MLOAD SSTORE                             ; reserve[inSlot] += amountIn
        ; credit the caller's output-token ledger (mem[0..32] is still the caller)
        PUSH1 0xc0 MLOAD PUSH1 0x02 ADD PUSH1 0x20 MSTORE
        PUSH1 0x40 PUSH1 0x00 KECCAK256                     ; [key]
        DUP1 SLOAD PUSH2 0x0120 MLOAD ADD                   ; [key, bal+out]
        SWAP1 SSTORE
        ; Swap(sender, amountIn, amountOut, zeroForOne)
        PUSH1 0x80 MLOAD PUSH1 0x00 MSTORE
        PUSH2 0x0120 MLOAD PUSH1 0x20 MSTORE
        PUSH1 0xa0 MLOAD ISZERO PUSH1 0x40 MSTORE
        CALLER
        PUSH32 0xcc65e4d9060ece2ecf63011ac580550b04c8daeba63fac4dfe8669353cd88859
        PUSH1 0x60 PUSH1 0x00 LOG2
        PUSH2 0x0120 MLOAD PUSH1 0x00 MSTORE
        PUSH1 0x20 PUSH1 0x00 RETURN                        ; return amountOut
    """

  /// The runtime bytecode.
  public static let code: [UInt8] = {
    do {
      return try EVMAssembler.assemble(source)
    } catch {
      fatalError("WorkloadPool.source: \(error)")
    }
  }()

  /// The storage slot of reserve 0 (reserve 1 is at slot 1).
  public static let reserve0Slot = UInt256.zero
  /// The storage slot of reserve 1.
  public static let reserve1Slot = UInt256.one

  /// The storage slot of `owner`'s ledger balance of token `token` (0 or 1):
  /// `keccak256(pad32(owner) ‖ pad32(token + 2))`.
  public static func ledgerSlot(of owner: Address, token: Int) -> UInt256 {
    precondition(token == 0 || token == 1, "a pool has tokens 0 and 1")
    return Keccak256.hash(owner.word.bigEndianBytes + UInt256(UInt64(token + 2)).bigEndianBytes)
      .word
  }

  /// Calldata of `swap(amountIn, zeroForOne)`.
  public static func swapCall(amountIn: UInt256, zeroForOne: Bool) -> [UInt8] {
    [0x2a, 0xea, 0x66, 0x05] + amountIn.bigEndianBytes + UInt256(zeroForOne ? 1 : 0).bigEndianBytes
  }

  /// Calldata of `getReserves()`.
  public static let getReservesCall: [UInt8] = [0x09, 0x02, 0xf1, 0xac]

  /// What `swap` pays out for `amountIn` against reserves `reserveIn`/`reserveOut`
  /// (the contract's formula; no overflow for reserves and amounts below 2^100).
  public static func amountOut(amountIn: UInt256, reserveIn: UInt256, reserveOut: UInt256)
    -> UInt256
  {
    let inWithFee = amountIn &* UInt256(997)
    return (inWithFee &* reserveOut).quotient(dividingBy: reserveIn &* UInt256(1000) &+ inWithFee)
  }
}

import EVMCrypto
import EVMPrimitives

/// A precompiled contract: a plain function from input and gas to a result.
public struct Precompile: Sendable {
  public let name: String
  /// False for precompiles whose cryptography is still pending (their
  /// calls fail, and test runners report such cases as pending, never passing).
  public let isImplemented: Bool
  public let run: @Sendable ([UInt8], Int64, Fork) -> MessageResult
}

/// The precompiles by address and fork.
public enum Precompiles {
  /// Addresses active in `fork` (they are warm from the start of every
  /// transaction, EIP-2929).
  public static func addresses(_ fork: Fork) -> [Address] {
    var count: UInt64 = 4
    if fork >= .byzantium { count = 8 }
    if fork >= .istanbul { count = 9 }
    if fork >= .cancun { count = 0x0a }
    if fork >= .prague { count = 0x11 }
    var result = (1...count).map { Address(word: UInt256($0)) }
    if fork >= .osaka { result.append(Address(word: UInt256(0x100))) }
    return result
  }

  /// The precompile at `address` in `fork`, if any.
  @inlinable
  public static func lookup(_ address: Address, fork: Fork) -> Precompile? {
    guard address.high == 0, address.middle == 0 else { return nil }
    let n = address.low
    switch n {
    case 1...4: return table[Int(n)]
    case 5...8: return fork >= .byzantium ? table[Int(n)] : nil
    case 9: return fork >= .istanbul ? table[9] : nil
    case 0x0a: return fork >= .cancun ? table[0x0a] : nil
    case 0x0b...0x11: return fork >= .prague ? table[Int(n)] : nil
    case 0x100: return fork >= .osaka ? p256Verify : nil
    default: return nil
    }
  }

  @usableFromInline static let table: [Precompile] = {
    var t = [Precompile](repeating: pending("none"), count: 0x12)
    t[1] = Precompile(name: "ecrecover", isImplemented: true, run: ecrecover)
    t[2] = Precompile(name: "sha256", isImplemented: true) { input, gas, _ in
      charge(gas, 60 + 12 * words(input.count)) { SHA256Digest.hash(input).bytes }
    }
    t[3] = Precompile(name: "ripemd160", isImplemented: true) { input, gas, _ in
      charge(gas, 600 + 120 * words(input.count)) {
        [UInt8](repeating: 0, count: 12) + RIPEMD160Digest.hash(input)
      }
    }
    t[4] = Precompile(name: "identity", isImplemented: true) { input, gas, _ in
      charge(gas, 15 + 3 * words(input.count)) { input }
    }
    t[5] = Precompile(name: "modexp", isImplemented: true) { input, gas, fork in
      guard ModExp.isWithinLimits(input: input, fork: fork) else { return failure() }
      let cost = ModExp.gas(input: input, fork: fork)
      guard cost <= UInt64(Int64.max) else { return failure() }
      return charge(gas, Int64(cost)) { ModExp.run(input: input) }
    }
    t[6] = bnAdd
    t[7] = bnMul
    t[8] = bnPairing
    t[9] = Precompile(name: "blake2f", isImplemented: true) { input, gas, _ in
      guard input.count == 213 else { return failure() }
      let cost = Blake2F.gas(input: input)
      guard cost <= UInt64(Int64.max), Int64(cost) <= gas else { return failure() }
      guard let output = try? Blake2F.run(input: input) else { return failure() }
      return MessageResult(status: .success, gasLeft: gas - Int64(cost), output: output)
    }
    t[0x0a] = pointEvaluation
    for (i, precompile) in blsPrecompiles.enumerated() { t[0x0b + i] = precompile }
    return t
  }()

  @usableFromInline static let p256Verify = p256VerifyPrecompile

  static func pending(_ name: String) -> Precompile {
    Precompile(name: name, isImplemented: false) { _, _, _ in failure() }
  }

  static func failure() -> MessageResult {
    MessageResult(status: .failure(.precompileFailure), gasLeft: 0, output: [])
  }

  static func words(_ count: Int) -> Int64 { Int64((count + 31) / 32) }

  /// Charges `cost` from `gas`, then runs `body`.
  static func charge(_ gas: Int64, _ cost: Int64, _ body: () -> [UInt8]) -> MessageResult {
    guard cost <= gas else {
      return MessageResult(status: .failure(.outOfGas), gasLeft: 0, output: [])
    }
    return MessageResult(status: .success, gasLeft: gas - cost, output: body())
  }

  /// ecrecover: the signer of a 32-byte hash, or empty output for a bad signature.
  static func ecrecover(_ input: [UInt8], _ gas: Int64, _ fork: Fork) -> MessageResult {
    charge(gas, 3000) {
      var padded = input
      if padded.count < 128 { padded += [UInt8](repeating: 0, count: 128 - padded.count) }
      let hash = Bytes32(bytes: padded[0..<32])
      let v = UInt256(bigEndian: padded[32..<64])
      let r = UInt256(bigEndian: padded[64..<96])
      let s = UInt256(bigEndian: padded[96..<128])
      guard v == UInt256(27) || v == UInt256(28) else { return [] }
      guard
        let signer = Secp256k1.recoverAddress(hash: hash, r: r, s: s, recoveryId: Int(v.w0 - 27))
      else { return [] }
      return [UInt8](repeating: 0, count: 12) + signer.bytes
    }
  }
}

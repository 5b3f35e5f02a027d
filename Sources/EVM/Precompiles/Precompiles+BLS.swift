import EVMCrypto
import EVMPrimitives

extension Precompiles {
  /// The seven BLS12-381 precompiles of EIP-2537 (Prague), in address order
  /// 0x0b...0x11. A malformed length fails before any work; otherwise the
  /// gas is charged and an invalid input consumes all of it.
  static let blsPrecompiles: [Precompile] = [
    Precompile(name: "bls12_g1add", isImplemented: true) { input, gas, _ in
      guard input.count == 256 else { return failure() }
      return chargeThrowing(gas, BLS12381.g1AddGas) { () throws(PrecompileError) in
        try BLS12381.g1Add(input: input)
      }
    },
    Precompile(name: "bls12_g1msm", isImplemented: true) { input, gas, _ in
      guard !input.isEmpty, input.count % 160 == 0 else { return failure() }
      return chargeThrowing(gas, BLS12381.g1MSMGas(pairs: input.count / 160)) {
        () throws(PrecompileError) in try BLS12381.g1MSM(input: input)
      }
    },
    Precompile(name: "bls12_g2add", isImplemented: true) { input, gas, _ in
      guard input.count == 512 else { return failure() }
      return chargeThrowing(gas, BLS12381.g2AddGas) { () throws(PrecompileError) in
        try BLS12381.g2Add(input: input)
      }
    },
    Precompile(name: "bls12_g2msm", isImplemented: true) { input, gas, _ in
      guard !input.isEmpty, input.count % 288 == 0 else { return failure() }
      return chargeThrowing(gas, BLS12381.g2MSMGas(pairs: input.count / 288)) {
        () throws(PrecompileError) in try BLS12381.g2MSM(input: input)
      }
    },
    Precompile(name: "bls12_pairing", isImplemented: true) { input, gas, _ in
      guard !input.isEmpty, input.count % 384 == 0 else { return failure() }
      return chargeThrowing(gas, BLS12381.pairingGas(pairs: input.count / 384)) {
        () throws(PrecompileError) in try BLS12381.pairingCheck(input: input)
      }
    },
    Precompile(name: "bls12_map_fp_to_g1", isImplemented: true) { input, gas, _ in
      guard input.count == 64 else { return failure() }
      return chargeThrowing(gas, BLS12381.mapFpToG1Gas) { () throws(PrecompileError) in
        try BLS12381.mapFpToG1(input: input)
      }
    },
    Precompile(name: "bls12_map_fp2_to_g2", isImplemented: true) { input, gas, _ in
      guard input.count == 128 else { return failure() }
      return chargeThrowing(gas, BLS12381.mapFp2ToG2Gas) { () throws(PrecompileError) in
        try BLS12381.mapFp2ToG2(input: input)
      }
    },
  ]
}

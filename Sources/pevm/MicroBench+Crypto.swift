import EVM
import EVMCrypto
import EVMPrimitives
import Transactions

/// Keeps a value alive so the optimiser cannot drop the computation producing it.
@inline(never)
private func consumeCryptoResult<T>(_ value: T) {
  withExtendedLifetime(value) {}
}

/// Crypto micro-benchmarks: sender recovery of a signed EIP-155 legacy
/// transaction (decode excluded; signing hash + secp256k1 recovery + Keccak),
/// raw secp256k1 recovery, the ecrecover precompile (0x01, through the
/// precompile table, gas included) and SHA-256 of 1 KiB.
func benchCrypto() -> [MicroBenchResult] {
  let key = [UInt8](repeating: 0x46, count: 32)
  var tx = Transaction(
    type: .legacy, chainId: 1, nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
    to: Address(hex: "3535353535353535353535353535353535353535"), value: 1_000_000_000)
  guard let signature = Secp256k1.sign(hash: tx.signingHash(), privateKey: key) else {
    fatalError("benchCrypto: signing failed")
  }
  tx.r = signature.r
  tx.s = signature.s
  tx.v = UInt256(UInt64(37 + signature.recoveryId))
  let hash = tx.signingHash()

  var results: [MicroBenchResult] = []
  results.append(
    measure("tx sender recovery (legacy EIP-155)", iterations: 2_000) {
      consumeCryptoResult(try? tx.recoverSender(fork: .cancun))
    })
  results.append(
    measure("secp256k1 recoverAddress", iterations: 2_000) {
      consumeCryptoResult(
        Secp256k1.recoverAddress(
          hash: hash, r: signature.r, s: signature.s, recoveryId: signature.recoveryId))
    })
  // ecrecover input: hash ‖ v ‖ r ‖ s, 32 bytes each.
  func word(_ value: UInt256) -> [UInt8] { value.bigEndianBytes }
  let ecrecoverInput =
    hash.bytes + word(UInt256(UInt64(27 + signature.recoveryId))) + word(signature.r)
    + word(signature.s)
  guard let ecrecover = Precompiles.lookup(Address(word: UInt256(1)), fork: .cancun),
    ecrecover.run(ecrecoverInput, 10_000, .cancun).output.count == 32
  else { fatalError("benchCrypto: ecrecover precompile failed") }
  results.append(
    measure("precompile ecrecover (0x01)", iterations: 2_000) {
      consumeCryptoResult(ecrecover.run(ecrecoverInput, 10_000, .cancun))
    })
  let kib = [UInt8]((0..<1024).map { UInt8(truncatingIfNeeded: $0) })
  results.append(
    measure("SHA-256 1 KiB", iterations: 20_000) {
      consumeCryptoResult(SHA256Digest.hash(kib))
    })
  return results
}

/// Transaction envelopes (legacy, EIP-2930, EIP-1559, EIP-4844, EIP-7702):
/// decoding, encoding, signing hashes and sender recovery.
public enum TransactionsModule {}

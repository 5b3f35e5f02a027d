/// In-memory accounts, storage and code with Merkle Patricia state roots.
public enum WorldStateModule {}

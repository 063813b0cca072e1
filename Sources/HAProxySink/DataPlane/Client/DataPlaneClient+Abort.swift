import Logging

extension DataPlaneClient {
    /// Deletes a transaction that will not be committed because of `error`. The original error matters more
    /// than a failure here, which is only logged (the API expires nothing by itself, so it is worth saying).
    func abort(_ transaction: DataPlaneTransaction, because error: any Error, logger: Logger) async {
        logger.warning(
            "aborting transaction",
            metadata: ["transaction_id": "\(transaction.id)", "error": "\(error)"]
        )
        do {
            // Detached: when the run was cancelled (a signal during `--once`), the delete must still go out.
            let client = self
            try await Task.detached { try await client.deleteTransaction(id: transaction.id) }.value
        } catch {
            logger.error(
                "could not delete transaction; delete it by hand",
                metadata: ["transaction_id": "\(transaction.id)", "error": "\(error)"]
            )
        }
    }
}

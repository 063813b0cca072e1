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
            try await deleteTransaction(id: transaction.id)
        } catch {
            logger.error(
                "could not delete transaction; delete it by hand",
                metadata: ["transaction_id": "\(transaction.id)", "error": "\(error)"]
            )
        }
    }
}

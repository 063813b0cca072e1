import ProviderKit
import StaticFileProvider

extension ProviderBuilder {
    /// One ``StaticFileProvider`` per `static` entry.
    public static let staticFile = ProviderBuilder(kind: "static") { configuration, context in
        configuration.staticFiles.map { file in
            StaticFileProvider(path: file.resolvedPath, logger: context.logger)
        }
    }
}

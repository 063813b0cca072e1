/// The version `discoveryd --version` prints.
public enum DiscoverydVersion {
    public static let current = "0.1.0"
}

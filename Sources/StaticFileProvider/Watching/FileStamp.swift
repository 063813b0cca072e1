#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The cheap facts about a file that change whenever its content can have changed: checked on every poll so the
/// content is only read when one of them moved.
///
/// - The real path catches symlink swaps (Kubernetes ConfigMaps retarget `..data` on update).
/// - Device and inode catch rename-over writes (editors and `mv` replace the file with a new one), even when the
///   new file has the old size and a modification time within the file system's timestamp granularity.
/// - Size and modification time catch in-place writes.
struct FileStamp: Hashable, Sendable {
    var realPath: String
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    /// The stamp of the file `path` leads to, following every symlink; `nil` when there is no such file.
    static func current(atPath path: String) -> FileStamp? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        let realPath = String(cString: resolved)
        var info = stat()
        guard stat(realPath, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return FileStamp(
            realPath: realPath,
            device: UInt64(info.st_dev),
            inode: UInt64(info.st_ino),
            size: Int64(info.st_size),
            modifiedSeconds: Int(modified.tv_sec),
            modifiedNanoseconds: Int(modified.tv_nsec)
        )
    }
}

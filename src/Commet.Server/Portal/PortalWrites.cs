using Commet.Server.Persistence;

namespace Commet.Server.Portal;

/// <summary>The portal's single-statement writes (link, redemption, sliding expiry, sign-out) queue on the SQLite write gate like every other write.</summary>
public static class PortalWrites
{
    public static async Task<Releaser> EnterAsync(CommetDb db, CancellationToken ct) => new(await SqliteWriteGate.WaitAsync(db, ct));

    public readonly struct Releaser(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}

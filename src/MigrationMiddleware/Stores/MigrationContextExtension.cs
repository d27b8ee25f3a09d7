using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Stores;

/// <summary>
/// Carries, inside a context's options, which migrations the context takes part in and which store it is bound to.
/// It adds no services, so it never causes EF to build another internal service provider.
/// </summary>
internal sealed class MigrationContextExtension(IReadOnlyList<ContextBinding> bindings, StoreRole store, bool isInternal) : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public IReadOnlyList<ContextBinding> Bindings { get; } = bindings;

    /// <summary>Gets the store this context reads from and writes to.</summary>
    public StoreRole Store { get; } = store;

    /// <summary>Gets whether this is one of the library's own contexts, whose saves are never mirrored.</summary>
    public bool IsInternal { get; } = isInternal;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    public static MigrationContextExtension? Find(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<MigrationContextExtension>();

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => string.Empty;

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
        {
        }
    }
}

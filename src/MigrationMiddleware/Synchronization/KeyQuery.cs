using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MigrationMiddleware.Synchronization;

/// <summary>
/// Loads entities by primary key, or by foreign key, for any entity type of a model, with tracking so that shadow and owned values
/// come along. Key values always travel as query parameters; the expression shape depends only on a padded batch size, so EF's
/// query cache stays small.
/// </summary>
internal static class KeyQuery
{
    /// <summary>The largest number of keys put into one query.</summary>
    public const int MaxKeysPerQuery = 64;

    private static readonly MethodInfo EfPropertyMethod = typeof(EF).GetMethod(nameof(EF.Property))!;
    private static readonly MethodInfo ContainsMethod = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2);

    private static readonly ConcurrentDictionary<Type, IRunner> Runners = new();

    /// <summary>Loads the entities of <paramref name="entityType"/> whose <paramref name="properties"/> equal one of <paramref name="keys"/>.</summary>
    public static async ValueTask<List<object>> LoadAsync(
        bool async,
        DbContext context,
        IEntityType entityType,
        IReadOnlyList<IProperty> properties,
        IReadOnlyList<object?[]> keys,
        CancellationToken cancellationToken)
    {
        var runner = Runners.GetOrAdd(entityType.ClrType, static type => (IRunner)Activator.CreateInstance(typeof(Runner<>).MakeGenericType(type))!);
        var results = new List<object>(keys.Count);
        for (var offset = 0; offset < keys.Count; offset += MaxKeysPerQuery)
        {
            var chunk = keys.Skip(offset).Take(MaxKeysPerQuery).ToList();
            var predicate = BuildPredicate(entityType.ClrType, properties, chunk);
            results.AddRange(await runner.LoadAsync(async, context, entityType, predicate, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Loads entities by primary key.</summary>
    public static ValueTask<List<object>> LoadByPrimaryKeyAsync(
        bool async, DbContext context, IEntityType entityType, IReadOnlyList<object?[]> keys, CancellationToken cancellationToken) =>
        LoadAsync(async, context, entityType, entityType.FindPrimaryKey()!.Properties, keys, cancellationToken);

    private static LambdaExpression BuildPredicate(Type clrType, IReadOnlyList<IProperty> properties, List<object?[]> keys)
    {
        var entity = Expression.Parameter(clrType, "e");
        var accessors = properties
            .Select(p => (Expression)Expression.Call(EfPropertyMethod.MakeGenericMethod(p.ClrType), entity, Expression.Constant(p.Name)))
            .ToList();

        Expression body;
        if (properties.Count == 1)
        {
            // One key column: IN (...) over a parameterized list.
            var propertyType = properties[0].ClrType;
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(propertyType))!;
            foreach (var key in keys)
            {
                list.Add(KeyValues.ConvertTo(key[0], propertyType));
            }

            body = Expression.Call(ContainsMethod.MakeGenericMethod(propertyType), Parameter(list, list.GetType()), accessors[0]);
        }
        else
        {
            // Composite keys: OR of ANDs. Pad to a power of two so the number of distinct query shapes stays small.
            var padded = Pad(keys);
            body = padded
                .Select(key => properties
                    .Select((p, i) => Equal(accessors[i], Parameter(KeyValues.ConvertTo(key[i], p.ClrType), p.ClrType)))
                    .Aggregate(Expression.AndAlso))
                .Aggregate(Expression.OrElse);
        }

        return Expression.Lambda(typeof(Func<,>).MakeGenericType(clrType, typeof(bool)), body, entity);
    }

    private static List<object?[]> Pad(List<object?[]> keys)
    {
        var size = 1;
        while (size < keys.Count)
        {
            size *= 2;
        }

        var padded = new List<object?[]>(size);
        padded.AddRange(keys);
        while (padded.Count < size)
        {
            padded.Add(keys[^1]);
        }

        return padded;
    }

    /// <summary>A member access on a captured box, which EF turns into a query parameter (a constant would be inlined into the SQL).</summary>
    private static MemberExpression Parameter(object? value, Type type)
    {
        var boxType = typeof(StrongBox<>).MakeGenericType(type);
        var box = Activator.CreateInstance(boxType, value)!;
        return Expression.Field(Expression.Constant(box, boxType), nameof(StrongBox<object>.Value));
    }

    private static Expression Equal(Expression left, Expression right)
    {
        try
        {
            return Expression.Equal(left, right);
        }
        catch (InvalidOperationException)
        {
            // A key type without an equality operator (for example a strongly typed id): EF translates object.Equals.
            return Expression.Call(
                typeof(object).GetMethod(nameof(object.Equals), [typeof(object), typeof(object)])!,
                Expression.Convert(left, typeof(object)),
                Expression.Convert(right, typeof(object)));
        }
    }

    private interface IRunner
    {
        Task<List<object>> LoadAsync(bool async, DbContext context, IEntityType entityType, LambdaExpression predicate, CancellationToken cancellationToken);
    }

    private sealed class Runner<TEntity> : IRunner
        where TEntity : class
    {
        public async Task<List<object>> LoadAsync(bool async, DbContext context, IEntityType entityType, LambdaExpression predicate, CancellationToken cancellationToken)
        {
            var set = entityType.HasSharedClrType ? context.Set<TEntity>(entityType.Name) : context.Set<TEntity>();

            // Query filters (soft delete, tenants) must not hide rows from synchronization, or hidden rows would look deleted.
            var query = set.AsTracking().IgnoreQueryFilters().IgnoreAutoIncludes().Where((Expression<Func<TEntity, bool>>)predicate);
            var list = async ? await query.ToListAsync(cancellationToken).ConfigureAwait(false) : query.ToList();
            return list.ConvertAll(static e => (object)e);
        }
    }
}

using Commet.Domain.Billing;
using Commet.Server.Portal;

namespace Commet.Server.Pages.Portal;

/// <summary>The card on file: brand, last four digits, expiry; replace it.</summary>
public sealed class PaymentMethodModel : PortalPageModel
{
    public override PortalSection Section => PortalSection.PaymentMethod;

    public PaymentMethod? Card { get; private set; }

    public async Task OnGetAsync() => Card = await Portal.CardAsync(Ct);
}

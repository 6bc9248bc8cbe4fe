/**
 * IP address and CIDR syntax as Go's net/netip reads it (ParseAddr, ParsePrefix), for Istio's
 * validation of ServiceEntry addresses and STATIC endpoints. No node: imports (browser bundle).
 */

/** IPv4 dotted decimal: four fields 0–255, no leading zeros (netip.ParseAddr rejects "01.2.3.4"). */
function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6 text: hex groups of 1–4 digits, one `::`, an optional trailing IPv4, an optional %zone. */
function isIPv6(text: string): boolean {
  const zone = text.indexOf('%');
  const s = zone >= 0 ? text.slice(0, zone) : text;
  if (zone >= 0 && zone === text.length - 1) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string): string[] | undefined => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** netutil.IsValidIPAddress (netip.ParseAddr succeeds). */
export function isIpAddress(addr: string): boolean {
  return isIPv4(addr) || isIPv6(addr);
}

/** agent.ValidateIPSubnet: an IP, or a CIDR prefix whose length fits the family. */
export function ipSubnetError(subnet: string): string | undefined {
  if (!subnet.includes('/')) return isIpAddress(subnet) ? undefined : `${subnet} is not a valid IP`;
  const slash = subnet.lastIndexOf('/');
  const ip = subnet.slice(0, slash);
  const bits = subnet.slice(slash + 1);
  const max = isIPv4(ip) ? 32 : isIPv6(ip) && !ip.includes('%') ? 128 : -1;
  if (max < 0 || !/^(0|[1-9]\d*)$/.test(bits) || Number(bits) > max) return `${subnet} is not a valid CIDR block`;
  return undefined;
}

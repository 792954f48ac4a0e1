/**
 * A dependency-free SVG bar chart of requests per second, one group of bars per query. The scale is
 * logarithmic: the raw ceiling is ten times faster than any GraphQL server and would flatten the rest.
 */
export function barChart(
  rows: ReadonlyArray<{ server: string; label: string; query: string; requestsPerSecond: number }>,
): string {
  const queries = [...new Set(rows.map((row) => row.query))];
  const servers = [...new Set(rows.map((row) => row.server))];
  const labels = new Map(rows.map((row) => [row.server, row.label]));
  const colors = ['#1f6feb', '#8b949e', '#d29922', '#f0883e', '#a371f7', '#3fb950'];
  const max = Math.log10(Math.max(...rows.map((row) => row.requestsPerSecond)));
  const min = 2; // 100 req/s at the bottom of the chart
  const barWidth = 36;
  const groupWidth = servers.length * barWidth + 40;
  const height = 260;
  const width = 60 + queries.length * groupWidth + 340;
  const bars = queries.flatMap((query, group) =>
    servers.map((server, index) => {
      const value = rows.find((row) => row.query === query && row.server === server)?.requestsPerSecond ?? 0;
      const barHeight = Math.max(
        1,
        Math.round(((Math.log10(Math.max(value, 100)) - min) / (max - min)) * (height - 60)),
      );
      const x = 60 + group * groupWidth + index * barWidth;
      const y = height - 30 - barHeight;
      return (
        `<rect x="${x}" y="${y}" width="${barWidth - 6}" height="${barHeight}" fill="${colors[index % colors.length]}"/>` +
        `<text x="${x + (barWidth - 6) / 2}" y="${y - 4}" font-size="9" text-anchor="middle">${value}</text>`
      );
    }),
  );
  const axis = queries.map(
    (query, group) =>
      `<text x="${60 + group * groupWidth + (servers.length * barWidth) / 2}" y="${height - 10}" font-size="12" text-anchor="middle">${query}</text>`,
  );
  const legend = servers.map(
    (server, index) =>
      `<rect x="${width - 330}" y="${30 + index * 20}" width="12" height="12" fill="${colors[index % colors.length]}"/>` +
      `<text x="${width - 312}" y="${40 + index * 20}" font-size="11">${labels.get(server)}</text>`,
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="10" y="18" font-size="13">requests per second, log scale (higher is better)</text>` +
    [...bars, ...axis, ...legend].join('') +
    `</svg>\n`
  );
}

/** The offer presentation fields the editor offers; a payload may hold any other JSON too. */
export const offerFields = ['headline', 'subline', 'priceText', 'badge', 'cta', 'imageUrl'] as const;
export type OfferField = (typeof offerFields)[number];

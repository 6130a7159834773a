/* qm-money.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-money"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qm-error.h"
#include "qm-money.h"

/* Longest piece of a refused text quoted back in an error message. */
#define QUOTE_MAX_CHARS 40

static const guint64 powers_of_ten[QM_MONEY_MAX_DIGITS + 1] = {
  1, 10, 100, 1000, 10000,
};

#ifdef __SIZEOF_INT128__
__extension__ typedef __int128 QmInt128;
__extension__ typedef unsigned __int128 QmUInt128;
#endif

/* |value| without overflow, G_MININT64 included. */
static inline guint64
magnitude_of (gint64 value)
{
  if (value < 0)
    return (guint64) (-(value + 1)) + 1;

  return (guint64) value;
}

/* Applies a sign to a magnitude known to fit (at most 2^63 when
 * negative, 2^63 - 1 otherwise).
 */
static inline gint64
apply_sign (guint64  magnitude,
            gboolean negative)
{
  if (magnitude == 0)
    return 0;

  if (negative)
    return -(gint64) (magnitude - 1) - 1;

  return (gint64) magnitude;
}

static inline guint64
limit_for_sign (gboolean negative)
{
  return negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
}

/* magnitude / divisor, rounded half to even; divisor > 0 and below 2^63. */
static guint64
div_round_half_even_u64 (guint64 magnitude,
                         guint64 divisor)
{
  guint64 quotient = magnitude / divisor;
  guint64 remainder = magnitude % divisor;

  /* remainder < divisor < 2^63, so 2 * remainder cannot wrap. */
  if (remainder * 2 > divisor ||
      (remainder * 2 == divisor && (quotient & 1) != 0))
    quotient++;

  return quotient;
}

static char *
quote_for_message (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *head = NULL;

  if (g_utf8_strlen (valid, -1) <= QUOTE_MAX_CHARS)
    return g_steal_pointer (&valid);

  head = g_utf8_substring (valid, 0, QUOTE_MAX_CHARS);
  return g_strconcat (head, "…", NULL);
}

static gboolean
set_parse_error (const char  *text,
                 gboolean     overflow,
                 GError     **error)
{
  g_autofree char *quoted = quote_for_message (text);

  if (overflow)
    g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                 _("“%s” is too large an amount of money: amounts must lie between "
                   "-922337203685477.5808 and 922337203685477.5807"),
                 quoted);
  else
    g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                 _("“%s” is not an amount of money: write digits with an optional "
                   "leading minus sign and at most 4 decimals, like 12.50 or -3"),
                 quoted);

  return FALSE;
}

/* magnitude = magnitude * 10 + digit, refused past limit. */
static inline gboolean
push_digit (guint64 *magnitude,
            guint    digit,
            guint64  limit)
{
  if (*magnitude > (limit - digit) / 10)
    return FALSE;

  *magnitude = *magnitude * 10 + digit;
  return TRUE;
}

/**
 * qm_money_parse:
 * @text: an amount such as "12.5", "-3" or "0.0001"
 * @out_e4: (out): where to store the amount in ten-thousandths
 * @error: return location for a #GError
 *
 * Parses a plain decimal amount strictly: an optional '-', one or more
 * ASCII digits, and optionally a '.' followed by one to four digits.
 * Spaces, '+', exponents, thousands separators and currency signs are
 * refused, as are values outside the range of a gint64 of
 * ten-thousandths.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_INVALID_INPUT (the
 *   message quotes @text) otherwise, leaving @out_e4 untouched.
 */
gboolean
qm_money_parse (const char  *text,
                gint64      *out_e4,
                GError     **error)
{
  const char *p;
  gboolean negative = FALSE;
  guint64 limit;
  guint64 magnitude = 0;
  guint n_int = 0;
  guint n_frac = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_e4 != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  p = text;
  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  limit = limit_for_sign (negative);

  for (; g_ascii_isdigit (*p); p++, n_int++)
    {
      if (!push_digit (&magnitude, (guint) (*p - '0'), limit))
        return set_parse_error (text, TRUE, error);
    }

  if (n_int == 0)
    return set_parse_error (text, FALSE, error);

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++, n_frac++)
        {
          if (n_frac == QM_MONEY_MAX_DIGITS)
            return set_parse_error (text, FALSE, error);
          if (!push_digit (&magnitude, (guint) (*p - '0'), limit))
            return set_parse_error (text, TRUE, error);
        }

      if (n_frac == 0)
        return set_parse_error (text, FALSE, error);
    }

  if (*p != '\0')
    return set_parse_error (text, FALSE, error);

  for (; n_frac < QM_MONEY_MAX_DIGITS; n_frac++)
    {
      if (!push_digit (&magnitude, 0, limit))
        return set_parse_error (text, TRUE, error);
    }

  *out_e4 = apply_sign (magnitude, negative);
  return TRUE;
}

/**
 * qm_money_format:
 * @e4: an amount in ten-thousandths
 * @digits: fractional digits to print, 0 to 4
 *
 * Formats @e4 as a plain decimal ("1234.50", "-3", "12.3750"): no
 * thousands separators, no currency sign, '.' as decimal point whatever
 * the locale. Dropped digits are rounded half to even, symmetrically for
 * negative amounts, and an amount that rounds to zero never carries a
 * minus sign. Works over the whole gint64 range.
 *
 * Returns: (transfer full): the formatted amount
 */
char *
qm_money_format (gint64 e4,
                 guint  digits)
{
  guint64 rounded;
  guint64 scale;
  const char *sign;

  g_return_val_if_fail (digits <= QM_MONEY_MAX_DIGITS, NULL);

  /* In units of 10^-digits; done on the magnitude so that it cannot
   * overflow even for G_MININT64 or G_MAXINT64.
   */
  rounded = div_round_half_even_u64 (magnitude_of (e4),
                                     powers_of_ten[QM_MONEY_MAX_DIGITS - digits]);
  sign = (e4 < 0 && rounded != 0) ? "-" : "";

  if (digits == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT, sign, rounded);

  scale = powers_of_ten[digits];
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT,
                          sign, rounded / scale, (int) digits, rounded % scale);
}

/**
 * qm_money_round_e4:
 * @e4: an amount in ten-thousandths
 * @digits: fractional digits to keep, 0 to 4
 *
 * Rounds @e4 half to even to @digits fractional digits; the result is
 * still in ten-thousandths (qm_money_round_e4 (12350, 2) is 12400).
 *
 * The only amounts that cannot round away from zero are those within half
 * a unit of the gint64 limits (beyond ±922337203685477 with 0 digits);
 * they are rounded toward zero instead, to the largest multiple that fits.
 *
 * Returns: the rounded amount
 */
gint64
qm_money_round_e4 (gint64 e4,
                   guint  digits)
{
  gboolean negative = e4 < 0;
  guint64 divisor;
  guint64 quotient;

  g_return_val_if_fail (digits <= QM_MONEY_MAX_DIGITS, e4);

  divisor = powers_of_ten[QM_MONEY_MAX_DIGITS - digits];
  quotient = div_round_half_even_u64 (magnitude_of (e4), divisor);

  if (quotient > limit_for_sign (negative) / divisor)
    quotient--;

  return apply_sign (quotient * divisor, negative);
}

/**
 * qm_money_mul_qty:
 * @unit_e4: a unit amount in ten-thousandths
 * @quantity: a number of units
 * @out_e4: (out): where to store @unit_e4 × @quantity
 * @error: return location for a #GError
 *
 * Multiplies exactly, refusing a product outside the gint64 range.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_BAD_DATA on overflow,
 *   leaving @out_e4 untouched.
 */
gboolean
qm_money_mul_qty (gint64   unit_e4,
                  gint64   quantity,
                  gint64  *out_e4,
                  GError **error)
{
  gint64 product;

  g_return_val_if_fail (out_e4 != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (__builtin_mul_overflow (unit_e4, quantity, &product))
    {
      g_autofree char *unit = qm_money_format (unit_e4, QM_MONEY_MAX_DIGITS);

      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The value of %" G_GINT64_FORMAT " units at %s each is too large "
                     "to compute; check the quantities and costs the warehouse reported"),
                   quantity, unit);
      return FALSE;
    }

  *out_e4 = product;
  return TRUE;
}

/**
 * qm_money_div_round_half_even:
 * @numerator: any gint64
 * @denominator: a positive gint64
 *
 * Divides and rounds the exact quotient half to even, symmetrically for
 * negative numerators (-5 / 2 is -2, -7 / 2 is -4). The result always
 * fits, so there is no error case.
 *
 * Returns: the rounded quotient
 */
gint64
qm_money_div_round_half_even (gint64 numerator,
                              gint64 denominator)
{
  g_return_val_if_fail (denominator > 0, 0);

  return apply_sign (div_round_half_even_u64 (magnitude_of (numerator),
                                              (guint64) denominator),
                     numerator < 0);
}

static gboolean
set_average_error (GError **error)
{
  g_set_error_literal (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("A moving average cost is too large to compute; check the "
                         "quantities and costs the warehouse reported"));
  return FALSE;
}

/**
 * qm_money_moving_average:
 * @qty_before: units held before the receipt
 * @avg_before_e4: their average cost, in ten-thousandths
 * @qty_in: units received
 * @cost_in_e4: cost of each received unit, in ten-thousandths
 * @out_avg_e4: (out): where to store the new average
 * @error: return location for a #GError
 *
 * Computes (qty_before × avg_before + qty_in × cost_in) / (qty_before +
 * qty_in), rounded half to even to 4 fractional digits, with a
 * 128-bit intermediate so the products cannot overflow. The caller
 * decides what an average means when qty_before + qty_in is not positive
 * (negative stock); this function refuses that case.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_BAD_DATA when the
 *   total quantity is not positive or the average does not fit.
 */
gboolean
qm_money_moving_average (gint64   qty_before,
                         gint64   avg_before_e4,
                         gint64   qty_in,
                         gint64   cost_in_e4,
                         gint64  *out_avg_e4,
                         GError **error)
{
#ifdef __SIZEOF_INT128__
  QmInt128 numerator;
  QmInt128 denominator;
  QmUInt128 magnitude;
  QmUInt128 quotient;
  QmUInt128 remainder;
  gboolean negative;
#else
  gint64 value_before;
  gint64 value_in;
  gint64 numerator;
  gint64 denominator;
#endif

  g_return_val_if_fail (out_avg_e4 != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

#ifdef __SIZEOF_INT128__
  denominator = (QmInt128) qty_before + qty_in;
  if (denominator <= 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("Cannot average a cost over %" G_GINT64_FORMAT " units held and %"
                     G_GINT64_FORMAT " received: the total must be positive"),
                   qty_before, qty_in);
      return FALSE;
    }

  numerator = (QmInt128) qty_before * avg_before_e4 + (QmInt128) qty_in * cost_in_e4;
  negative = numerator < 0;
  magnitude = negative ? (QmUInt128) (-(numerator + 1)) + 1 : (QmUInt128) numerator;

  quotient = magnitude / (QmUInt128) denominator;
  remainder = magnitude % (QmUInt128) denominator;
  if (remainder * 2 > (QmUInt128) denominator ||
      (remainder * 2 == (QmUInt128) denominator && (quotient & 1) != 0))
    quotient++;

  if (quotient > limit_for_sign (negative))
    return set_average_error (error);

  *out_avg_e4 = apply_sign ((guint64) quotient, negative);
  return TRUE;
#else
  if (__builtin_add_overflow (qty_before, qty_in, &denominator) || denominator <= 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("Cannot average a cost over %" G_GINT64_FORMAT " units held and %"
                     G_GINT64_FORMAT " received: the total must be positive"),
                   qty_before, qty_in);
      return FALSE;
    }

  if (__builtin_mul_overflow (qty_before, avg_before_e4, &value_before) ||
      __builtin_mul_overflow (qty_in, cost_in_e4, &value_in) ||
      __builtin_add_overflow (value_before, value_in, &numerator))
    return set_average_error (error);

  *out_avg_e4 = qm_money_div_round_half_even (numerator, denominator);
  return TRUE;
#endif
}

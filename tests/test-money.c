/* test-money.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-money"

#include "config.h"

#include <string.h>

#include "qm-error.h"
#include "qm-money.h"

typedef struct
{
  const char *text;
  gint64      e4;
} ParseOk;

static const ParseOk parse_ok[] = {
  { "12.5",                   125000 },
  { "0.0001",                 1 },
  { "-3",                     -30000 },
  { "0",                      0 },
  { "-0",                     0 },
  { "-0.0",                   0 },
  { "007.10",                 71000 },
  { "1234.50",                12345000 },
  { "12.3750",                123750 },
  { "-0.0001",                -1 },
  { "922337203685477.5807",   G_MAXINT64 },
  { "-922337203685477.5808",  G_MININT64 },
  { "922337203685477",        G_GINT64_CONSTANT (9223372036854770000) },
};

static const char * const parse_bad[] = {
  "",
  "-",
  "1.23456",
  "1e3",
  " 1",
  "1 ",
  "+1",
  "1.",
  ".5",
  "-.5",
  "--1",
  "1,5",
  "1,000.00",
  "1.2.3",
  "0x10",
  "$5",
  "5€",
  "١٢",        /* Arabic-Indic digits are not ASCII digits */
  "1\t",
  "NaN",
  "inf",
};

static const char * const parse_overflow[] = {
  "922337203685477.5808",
  "-922337203685477.5809",
  "922337203685478",
  "99999999999999999999999999",
};

static void
test_parse_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_ok); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 e4 = 42;

      g_test_message ("parsing \"%s\"", parse_ok[i].text);
      g_assert_true (qm_money_parse (parse_ok[i].text, &e4, &error));
      g_assert_no_error (error);
      g_assert_cmpint (e4, ==, parse_ok[i].e4);
    }
}

static void
check_refused (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 e4 = 42;

  g_test_message ("parsing \"%s\"", text);
  g_assert_false (qm_money_parse (text, &e4, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_assert_cmpint (e4, ==, 42);
  /* The message quotes what was refused. */
  g_assert_nonnull (strstr (error->message, text));
}

static void
test_parse_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_bad); i++)
    check_refused (parse_bad[i]);
}

static void
test_parse_overflow (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_overflow); i++)
    check_refused (parse_overflow[i]);
}

static void
test_parse_long_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strnfill (500, 'x');
  gint64 e4 = 0;

  g_assert_false (qm_money_parse (text, &e4, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  /* Quoted, but shortened. */
  g_assert_nonnull (strstr (error->message, "xxxxxxxxxx…"));
  g_assert_cmpuint (strlen (error->message), <, 250);

  g_clear_error (&error);
  g_assert_false (qm_money_parse ("1\xff", &e4, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

typedef struct
{
  gint64      e4;
  guint       digits;
  const char *text;
} FormatCase;

static const FormatCase format_cases[] = {
  /* plain */
  { 0,        0, "0" },
  { 0,        2, "0.00" },
  { 0,        4, "0.0000" },
  { 125000,   2, "12.50" },
  { 12345000, 2, "1234.50" },
  { 123750,   4, "12.3750" },
  { 1,        4, "0.0001" },
  { -1,       4, "-0.0001" },
  { -30000,   0, "-3" },
  { 5,        3, "0.000" },     /* 0.0005: a half, 0 is even */
  { 15,       3, "0.002" },     /* 0.0015: a half, 1 is odd */
  /* half to even when dropping digits */
  { 12345,    2, "1.23" },
  { 12350,    2, "1.24" },
  { 12250,    2, "1.22" },
  { 12251,    2, "1.23" },
  { 12249,    2, "1.22" },
  { 1250,     2, "0.12" },
  { 1350,     2, "0.14" },
  { 25000,    0, "2" },
  { 35000,    0, "4" },
  { 15000,    0, "2" },
  { 5000,     0, "0" },
  { 5001,     0, "1" },
  { 4999,     0, "0" },
  { 99995,    3, "10.000" },
  { 99950,    2, "10.00" },
  { 99850,    2, "9.98" },
  /* negatives are symmetric */
  { -25000,   0, "-2" },
  { -35000,   0, "-4" },
  { -12350,   2, "-1.24" },
  { -12250,   2, "-1.22" },
  { -1250,    2, "-0.12" },
  { -1350,    2, "-0.14" },
  { -12345,   2, "-1.23" },
  /* never "-0" */
  { -40,      2, "0.00" },
  { -50,      2, "0.00" },
  { -51,      2, "-0.01" },
  { -5000,    0, "0" },
  { -4999,    0, "0" },
  { -1,       2, "0.00" },
  { -1,       0, "0" },
  /* limits */
  { G_MAXINT64, 4, "922337203685477.5807" },
  { G_MAXINT64, 2, "922337203685477.58" },
  { G_MAXINT64, 0, "922337203685478" },
  { G_MININT64, 4, "-922337203685477.5808" },
  { G_MININT64, 3, "-922337203685477.581" },
  { G_MININT64, 0, "-922337203685478" },
};

static void
test_format_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      const FormatCase *c = &format_cases[i];
      g_autofree char *text = qm_money_format (c->e4, c->digits);

      g_test_message ("formatting %" G_GINT64_FORMAT " with %u digits", c->e4, c->digits);
      g_assert_cmpstr (text, ==, c->text);
    }
}

static void
test_format_half_even (void)
{
  /* The cases named in the brief, spelled out. */
  struct { gint64 e4; guint digits; const char *text; } cases[] = {
    { 1250,   2, "0.12" },     /* 0.125 */
    { 1350,   2, "0.14" },     /* 0.135 */
    { 25000,  0, "2" },        /* 2.5 */
    { 35000,  0, "4" },        /* 3.5 */
    { -25000, 0, "-2" },       /* -2.5 */
    { -40,    2, "0.00" },     /* -0.004 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = qm_money_format (cases[i].e4, cases[i].digits);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_roundtrip (void)
{
  static const gint64 values[] = {
    0, 1, -1, 9999, -9999, 10000, 123456789, -987654321, G_MAXINT64, G_MININT64,
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = qm_money_format (values[i], 4);
      g_autoptr(GError) error = NULL;
      gint64 back = 0;

      g_assert_true (qm_money_parse (text, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpint (back, ==, values[i]);
    }
}

typedef struct
{
  gint64 e4;
  guint  digits;
  gint64 rounded;
} RoundCase;

static const RoundCase round_cases[] = {
  { 12345,  4, 12345 },
  { 12345,  2, 12300 },
  { 12350,  2, 12400 },
  { 12250,  2, 12200 },
  { 25000,  0, 20000 },
  { 35000,  0, 40000 },
  { -25000, 0, -20000 },
  { -35000, 0, -40000 },
  { -40,    2, 0 },
  { 123755, 3, 123760 },
  { 123765, 3, 123760 },
  { 5,      3, 0 },
  { 15,     3, 20 },
  /* near the limits: rounding away from zero would not fit */
  { G_MAXINT64, 0, G_GINT64_CONSTANT (9223372036854770000) },
  { G_MAXINT64, 2, G_GINT64_CONSTANT (9223372036854775800) },
  { G_MININT64, 0, G_GINT64_CONSTANT (-9223372036854770000) },
  { G_MININT64, 3, G_GINT64_CONSTANT (-9223372036854775800) },
  { G_MININT64, 4, G_MININT64 },
};

static void
test_round (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (round_cases); i++)
    {
      const RoundCase *c = &round_cases[i];

      g_test_message ("rounding %" G_GINT64_FORMAT " to %u digits", c->e4, c->digits);
      g_assert_cmpint (qm_money_round_e4 (c->e4, c->digits), ==, c->rounded);
    }
}

static void
test_mul_qty (void)
{
  struct { gint64 unit; gint64 qty; gboolean ok; gint64 product; } cases[] = {
    { 123750, 4,  TRUE,  495000 },
    { 123750, -4, TRUE,  -495000 },
    { -1,     7,  TRUE,  -7 },
    { 0,      G_MAXINT64, TRUE, 0 },
    { G_MAXINT64, 1, TRUE, G_MAXINT64 },
    { G_MININT64, 1, TRUE, G_MININT64 },
    { G_MAXINT64, 2, FALSE, 0 },
    { G_MININT64, -1, FALSE, 0 },
    { G_GINT64_CONSTANT (10000000000), G_GINT64_CONSTANT (1000000000), FALSE, 0 },
    { G_GINT64_CONSTANT (-10000000000), G_GINT64_CONSTANT (1000000000), FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 product = 42;
      gboolean ok;

      ok = qm_money_mul_qty (cases[i].unit, cases[i].qty, &product, &error);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpint (product, ==, cases[i].product);
        }
      else
        {
          g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
          g_assert_cmpint (product, ==, 42);
        }
    }
}

static void
test_div_half_even (void)
{
  struct { gint64 a; gint64 b; gint64 q; } cases[] = {
    { 0,   7, 0 },
    { 10,  4, 2 },    /* 2.5 -> 2 */
    { 14,  4, 4 },    /* 3.5 -> 4 */
    { 11,  4, 3 },    /* 2.75 */
    { 9,   4, 2 },    /* 2.25 */
    { -10, 4, -2 },
    { -14, 4, -4 },
    { -11, 4, -3 },
    { -1,  3, 0 },
    { -2,  3, -1 },
    { 1,   2, 0 },
    { 3,   2, 2 },
    { 7,   1, 7 },
    { G_MAXINT64, 1, G_MAXINT64 },
    { G_MININT64, 1, G_MININT64 },
    { G_MAXINT64, 2, G_GINT64_CONSTANT (4611686018427387904) },  /* ...903.5 -> even */
    { G_MININT64, 2, G_GINT64_CONSTANT (-4611686018427387904) },
    { G_MAXINT64, G_MAXINT64, 1 },
    { G_MININT64, G_MAXINT64, -1 },
    { 1, G_MAXINT64, 0 },
    /* (3*12.0000 + 1*13.0000) / 4 = 12.25 exactly in e4 */
    { 3 * 120000 + 1 * 130000, 4, 122500 },
    /* 1/3 of 0.0001 and 2/3 of 0.0001 */
    { 1, 3, 0 },
    { 2, 3, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT, cases[i].a, cases[i].b);
      g_assert_cmpint (qm_money_div_round_half_even (cases[i].a, cases[i].b), ==, cases[i].q);
    }
}

static void
test_moving_average (void)
{
  struct { gint64 qb; gint64 avg; gint64 qi; gint64 cost; gboolean ok; gint64 out; } cases[] = {
    { 0,  0,      10, 123750, TRUE, 123750 },
    { 3,  120000, 1,  130000, TRUE, 122500 },
    /* (1*1.0000 + 2*1.0001) / 3 = 1.000066.. -> 1.0001 */
    { 1,  10000,  2,  10001,  TRUE, 10001 },
    /* (1*0.0001 + 1*0.0002) / 2 = 0.00015 -> 0.0002 (2 even) */
    { 1,  1,      1,  2,      TRUE, 2 },
    /* (1*0.0002 + 1*0.0003) / 2 = 0.00025 -> 0.0002 */
    { 1,  2,      1,  3,      TRUE, 2 },
    /* products beyond gint64 but a result that fits */
    { G_GINT64_CONSTANT (1000000000000), G_GINT64_CONSTANT (50000000000),
      G_GINT64_CONSTANT (1000000000000), G_GINT64_CONSTANT (70000000000),
      TRUE, G_GINT64_CONSTANT (60000000000) },
    { -5, 10000, 5, 20000, FALSE, 0 },
    { 0,  0,     0, 20000, FALSE, 0 },
    { G_MAXINT64, G_MAXINT64, 1, -1, TRUE, G_MAXINT64 - 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 out = 42;
      gboolean ok;

      ok = qm_money_moving_average (cases[i].qb, cases[i].avg, cases[i].qi, cases[i].cost,
                                    &out, &error);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpint (out, ==, cases[i].out);
        }
      else
        {
          g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
          g_assert_cmpint (out, ==, 42);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/money/parse/valid", test_parse_valid);
  g_test_add_func ("/money/parse/invalid", test_parse_invalid);
  g_test_add_func ("/money/parse/overflow", test_parse_overflow);
  g_test_add_func ("/money/parse/long-text", test_parse_long_text);
  g_test_add_func ("/money/format/table", test_format_table);
  g_test_add_func ("/money/format/half-even", test_format_half_even);
  g_test_add_func ("/money/format/roundtrip", test_format_roundtrip);
  g_test_add_func ("/money/round/half-even", test_round);
  g_test_add_func ("/money/mul-qty/overflow", test_mul_qty);
  g_test_add_func ("/money/div/half-even", test_div_half_even);
  g_test_add_func ("/money/average/moving", test_moving_average);

  return g_test_run ();
}

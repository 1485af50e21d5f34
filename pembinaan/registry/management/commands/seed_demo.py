"""`manage.py seed_demo`: fill an empty database with a realistic demo registry for Kota Banjarmasin.

Creates one demo login per role and N businesses (default 2,000) with their owners, status
timelines, audit history and a few deliberate possible duplicates. The data is deterministic for a
given `--seed`: every random choice comes from one `SeedRandom(seed)` (a `random.Random`, never the
global one), consumed in a fixed order.

Steps run in the order of `DemoSeeder.steps`. Later steps (activities, attendance, funding) are
added at the end of that tuple, so that they never change what the earlier steps generate for a seed;
they can use `self.users`, `self.owners`, `self.businesses` and `self.rng`.

Rows are generated as plain dicts and written with `insert_rows`, which does what `bulk_create`
does without its per-row and per-value overhead (executemany on SQLite, COPY on PostgreSQL): 100,000
businesses take about 25 s on SQLite instead of about 80 s with `bulk_create`. Their
django-simple-history "created" rows are written the same way (`insert_history`). No `save()` runs,
so the derived columns (name_normalized, scale, scale_basis) are set here with the same functions
the model uses.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import string
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.coaching.demo import seed_coaching
from pembinaan.lib.bulk_insert import Row, insert_history, insert_rows
from pembinaan.lib.identifiers import GENDER_FEMALE, GENDER_MALE, format_phone
from pembinaan.progress.services import rebuild_all
from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry.kbli import category_of
from pembinaan.registry.matching import duplicates_scan_all
from pembinaan.registry.models import (
    Business,
    BusinessSource,
    BusinessStatus,
    Certification,
    Owner,
    StatusChange,
    normalise_name,
)
from pembinaan.registry.scale import classify

S = BusinessStatus
SRC = BusinessSource

DEMO_PASSWORD = "demo12345"  # noqa: S105 - a published demo password, refused in production
DEMO_OWNER_PHONE = "+6281200000001"
CONSENT_VERSION = "demo-1"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    phone: str | None = None
    is_staff: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(roles.ADMIN, "admin@demo.umkm.test", "Admin Dinas (demo)", is_staff=True),
    DemoAccount(roles.STAFF, "staf@demo.umkm.test", "Rahmadi Saputra (Staf Dinas, demo)"),
    # Rule 14: the grant that staff proposes is approved and paid by two other people.
    DemoAccount(roles.APPROVER, "kabid@demo.umkm.test", "Hj. Norhayati (Kepala Bidang, demo)"),
    DemoAccount(roles.TREASURER, "bendahara@demo.umkm.test", "Akhmad Fauzi (Bendahara, demo)"),
    DemoAccount(roles.VIEWER, "pemantau@demo.umkm.test", "Pemantau DPRD Komisi II (demo)"),
    DemoAccount(roles.OWNER, "pemilik@demo.umkm.test", "Siti Aminah", phone=DEMO_OWNER_PHONE),
)

# --- Vocabulary ------------------------------------------------------------------------------------

MALE_GIVEN = (
    "Rahmat", "Rizky", "Fauzan", "Hendra", "Agus", "Budi", "Irwan", "Hasan", "Husin", "Yusuf",
    "Jumadi", "Jailani", "Saberi", "Syarifuddin", "Norhadi", "Rusdi", "Mahmud", "Arsyad", "Ilham",
    "Fadli", "Hairil", "Hairudin", "Dedi", "Fikri", "Zainal", "Arbain", "Sarbani", "Anang", "Hamdi",
    "Yudi", "Wahyu", "Taufik", "Ridwan", "Subhan", "Suriansyah", "Fahmi", "Ramli", "Khairul",
    "Junaidi", "Mulyadi", "Samsul", "Bahrani", "Syamsuri", "Arif", "Eko", "Bambang", "Joko", "Andi",
    "Dimas", "Rudi", "Slamet", "Sugianto", "Fahrurrazi", "Iberahim", "Ismail", "Syahrani",
    "Abdurrahman", "Mursyid", "Nasrullah", "Sahrudin", "Hasanuddin", "Anwar", "Firdaus", "Gazali",
    "Herman", "Jamaluddin", "Kamarudin", "Lukman", "Masrani", "Norman", "Riduan", "Sapriansyah",
    "Usman", "Yani", "Zulkifli", "Aditya", "Bayu", "Reza", "Farhan", "Haris", "Akhmadi", "Mukhlis",
)  # fmt: skip
FEMALE_GIVEN = (
    "Aminah", "Fatimah", "Norhayati", "Masitah", "Rusmini", "Hayatun", "Jamilah", "Rahmah",
    "Fitriani", "Rina", "Dewi", "Sri", "Yanti", "Wati", "Halimah", "Salmah", "Zubaidah", "Raudah",
    "Mariani", "Mardiana", "Aluh", "Galuh", "Intan", "Annisa", "Nadia", "Rahmawati", "Khadijah",
    "Zainab", "Maimunah", "Hamidah", "Nurhasanah", "Saniah", "Syarifah", "Normila", "Norlaila",
    "Sarinah", "Lina", "Yulianti", "Mega", "Putri", "Ayu", "Indah", "Rizka", "Dina", "Ernawati",
    "Herlina", "Mahdiah", "Marlina", "Jumiati", "Habibah", "Salasiah", "Mahrita", "Nurjannah",
    "Rabiatul", "Hafsah", "Laila", "Noorjannah", "Siska", "Wulan", "Anisa", "Mutia", "Nafisah",
    "Rusmawati", "Nordiana", "Hariyani", "Risna", "Ratna", "Erliyani", "Fauziah", "Kamariah",
)  # fmt: skip
# Given names that usually come first and are not what people are called by.
MALE_LEADING = ("Muhammad", "Ahmad", "Akhmad", "Abdul", "Gusti", "Muhammad", "Muhammad")
FEMALE_LEADING = ("Siti", "Nurul", "Noor", "Gusti", "Siti", "Nor")
MALE_FAMILY = (
    "Rahman", "Hidayat", "Ansyari", "Rahmadi", "Saputra", "Pratama", "Setiawan", "Hidayatullah",
    "Anshari", "Kurniawan", "Santoso", "Hakim", "Arsyad", "Syahrani", "Fadillah", "Noor", "Fauzi",
    "Ramadhan", "Maulana", "Firmansyah", "Effendi", "Hamdani", "Gunawan", "Wijaya", "Nugroho",
    "Susanto", "Akbar", "Aziz", "Rasyid", "Ghazali", "Iskandar", "Muhdi", "Rizani", "Fitriadi",
)  # fmt: skip
FEMALE_FAMILY = (
    "Lestari", "Handayani", "Wulandari", "Maulidah", "Fitriyani", "Susanti", "Hasanah", "Rahmawati",
    "Rahmah", "Noor", "Jannah", "Sari", "Apriani", "Wahyuni", "Safitri", "Puspitasari", "Ramadhani",
    "Anggraini", "Hidayah", "Mardiah", "Fadilah", "Zahra", "Aulia", "Kartika", "Oktaviani", "Noviyanti",
)  # fmt: skip
NICKNAMES = {
    "Syarifuddin": "Udin", "Hairudin": "Udin", "Hasanuddin": "Udin", "Jamaluddin": "Udin",
    "Sahrudin": "Udin", "Abdurrahman": "Aman", "Kamarudin": "Udin", "Iberahim": "Baim",
    "Suriansyah": "Yayan", "Sapriansyah": "Ifan", "Norhayati": "Yati", "Noorjannah": "Jannah",
    "Nurhasanah": "Hasanah", "Rusmawati": "Rus",
}  # fmt: skip
# Banjar and Indonesian forms of address used in business names.
FEMALE_HONORIFICS = ("Bu", "Bu", "Bu", "Acil", "Acil", "Acil", "Hj.", "Hj.", "Ibu", "Mama", "Uma")
MALE_HONORIFICS = ("Pak", "Pak", "Pak", "Amang", "Amang", "Amang", "H.", "H.", "Abah", "Julak", "Kai")

BRAND_FIRST = (
    "Berkah", "Barokah", "Berkat", "Sumber Rezeki", "Rezeki", "Maju", "Sinar", "Cahaya", "Mandiri",
    "Sejahtera", "Makmur", "Amanah", "Al-Ikhlas", "Bintang", "Intan", "Galuh", "Bungas", "Bauntung",
    "Harapan", "Sahabat", "Kayuh Baimbai", "Banua", "Barito", "Martapura", "Kuin", "Lok Baintan",
    "Siring", "Antasari", "Seribu Sungai", "Jukung", "Kelotok", "Mutiara", "Permata", "Nur",
    "Salsabila", "Zahra", "Raudah", "Annisa", "Putri", "Tiga Saudara", "Dua Putri", "Keluarga",
    "Idaman", "Pelangi", "Citra", "Mekar", "Anugerah", "Karunia", "Fajar", "Surya",
)  # fmt: skip
BRAND_SECOND = (
    "Jaya", "Abadi", "Makmur", "Sejahtera", "Mandiri", "Banua", "Baru", "Indah", "Lestari", "Utama",
    "Sentosa", "Bersama", "Bungas", "Bauntung", "Barakat", "Murni", "Sakti", "Permai",
)  # fmt: skip

STREETS = (
    "Jl. Pramuka", "Jl. A. Yani Km 3", "Jl. A. Yani Km 5", "Jl. Sultan Adam", "Jl. Kayu Tangi",
    "Jl. Veteran", "Jl. Pekapuran", "Jl. Kelayan A", "Jl. Kelayan B", "Jl. Sutoyo S.",
    "Jl. Belitung Darat", "Jl. Cempaka", "Jl. Hasan Basri", "Jl. Pangeran Antasari", "Jl. Sungai Andai",
    "Jl. Pemurus", "Jl. Gatot Subroto", "Jl. Kuin Utara", "Jl. Alalak", "Jl. Banua Anyar",
    "Jl. Tembus Mantuil", "Jl. Beruntung Jaya", "Jl. Lambung Mangkurat", "Jl. Pasar Baru",
    "Jl. Pengambangan", "Jl. Sungai Lulut", "Jl. Teluk Tiram Darat", "Jl. Pelambuan", "Jl. RK Ilir",
    "Jl. Kampung Melayu", "Jl. Simpang Gusti", "Jl. Manggis", "Jl. Rantauan Darat", "Jl. Mayjen Sutoyo S.",
    "Jl. Brigjen H. Hasan Basri", "Jl. Adhyaksa", "Jl. Sungai Miai", "Jl. Pangeran", "Jl. Tatah Bangkal",
    "Jl. Prona", "Jl. Kebun Bunga", "Jl. Sulawesi", "Jl. Niaga", "Jl. Samudera", "Jl. Pasar Lama",
)  # fmt: skip
GANG_NAMES = (
    "Sepakat", "Amanah", "Keluarga", "Rahmat", "Mesjid", "Langgar", "Family", "Damai", "Rukun",
    "Hikmah", "Nusa Indah", "Mawar", "Melati", "Kenanga", "Bersama", "Harapan", "Purnama", "Serumpun",
)  # fmt: skip

# (prefix after the country code, weight): Telkomsel leads in Kalimantan Selatan.
PHONE_PREFIXES = (
    ("811", 3), ("812", 9), ("813", 7), ("821", 7), ("822", 6), ("823", 3), ("852", 8), ("853", 5),
    ("851", 2), ("814", 1), ("815", 1), ("816", 1), ("855", 1), ("856", 2), ("857", 2), ("858", 1),
    ("817", 1), ("818", 1), ("819", 2), ("859", 1), ("877", 2), ("878", 2), ("895", 1), ("896", 2),
    ("897", 1), ("898", 1), ("899", 1), ("881", 1), ("882", 1), ("831", 1), ("838", 1),
)  # fmt: skip
MARKETPLACES = (
    "https://shopee.co.id/{}",
    "https://www.tokopedia.com/{}",
    "https://www.lazada.co.id/shop/{}",
)
SOCIAL_MEDIA = (
    "https://www.instagram.com/{}/",
    "https://www.instagram.com/{}.bjm/",
    "https://www.facebook.com/{}",
    "https://www.tiktok.com/@{}",
)
EMAIL_DOMAINS = ("gmail.com",) * 8 + ("yahoo.co.id", "yahoo.com", "ymail.com")

# Owners whose NIK was issued outside Banjarmasin: (regency code, number of districts).
OTHER_REGENCIES = (
    ("6303", 20), ("6304", 17), ("6372", 5), ("6301", 11), ("6305", 12), ("6306", 11),
    ("6307", 11), ("6308", 10), ("6309", 12), ("6310", 12), ("6302", 21), ("6271", 5),
    ("6203", 17), ("3578", 31), ("3374", 16), ("7371", 15),
)  # fmt: skip
KECAMATAN_WEIGHT = {"63.71.01": 1.25, "63.71.02": 1.0, "63.71.03": 0.9, "63.71.04": 1.0, "63.71.05": 1.4}

REJECT_REASONS = (
    "Foto KTP tidak terbaca; mohon unggah ulang dengan lebih jelas.",
    "NIK tidak sesuai dengan nama pada KTP.",
    "Alamat usaha berada di luar Kota Banjarmasin.",
    "Usaha belum berjalan; silakan daftar kembali setelah mulai beroperasi.",
    "Omzet dan jumlah tenaga kerja belum diisi dengan benar.",
    "Usaha yang sama sudah terdaftar atas nama pemilik ini.",
)
INACTIVE_REASONS = (
    "Usaha tutup permanen.",
    "Pemilik pindah ke luar kota.",
    "Usaha berhenti beroperasi sejak pandemi Covid-19.",
    "Pemilik beralih usaha; usaha lama tidak dilanjutkan.",
    "Tempat usaha terkena penggusuran/penataan kawasan.",
)


@dataclass(frozen=True)
class Kind:
    """A kind of business: its KBLI, how such businesses are named, what they sell."""

    weight: float
    category: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    products: tuple[str, ...]
    female_share: float = 0.5
    median_sales: int = 120_000_000
    food: bool = False
    words: tuple[str, ...] = ()


# Name templates: {hon} a form of address matching the owner's gender, {nama} what the owner is
# called, {brand} a shop brand, {kel} the kelurahan, {w} one of the kind's `words`.
KINDS = (
    # --- C: industri pengolahan -----------------------------------------------------------------
    Kind(6, "C", ("10792", "10710"),
         ("Kue Bingka {hon} {nama}", "Wadai Banjar {hon} {nama}", "Wadai {w} {hon} {nama}",
          "Dapur Wadai {nama}", "{brand} Bakery", "Kue {w} {brand}", "Toko Kue {hon} {nama}"),
         ("bingka kentang", "bingka barandam", "amparan tatak", "putri selat", "lapis Banjar",
          "kararaban", "hintalu karuang", "bolu peca", "sari muka", "kelepon", "roti pisang", "bolu gulung"),
         female_share=0.9, median_sales=60_000_000, food=True,
         words=("Bingka", "Amparan Tatak", "Lapis", "Basah", "Bolu", "Apam")),
    Kind(4, "C", ("10794",),
         ("Kerupuk Ikan Haruan {hon} {nama}", "Kerupuk {w} {nama}", "Amplang {brand}",
          "Amplang {w} {kel}", "Keripik {w} {hon} {nama}", "Kerupuk {brand}"),
         ("kerupuk ikan haruan", "kerupuk ikan pipih", "amplang ikan", "keripik kelakai",
          "keripik pisang", "rengginang", "kerupuk udang", "keripik singkong balado"),
         female_share=0.75, median_sales=70_000_000, food=True,
         words=("Haruan", "Pipih", "Saluang", "Udang", "Pisang", "Kelakai", "Papuyu")),
    Kind(2, "C", ("10213", "10215"),
         ("Ikan Asin {hon} {nama}", "Iwak Karing {hon} {nama}", "Iwak Wadi {brand}",
          "Pengasapan Ikan {nama}", "Ikan Kering {brand}"),
         ("ikan asin sepat", "ikan gabus kering (karing haruan)", "iwak wadi", "ikan asin telang",
          "ikan salai", "udang kering"),
         female_share=0.6, median_sales=80_000_000, food=True),
    Kind(3, "C", ("10750", "10799", "10772"),
         ("Sambal {w} {hon} {nama}", "Abon Ikan {nama}", "Dapur {brand}", "Frozen Food {brand}",
          "Olahan {w} {brand}", "Bumbu Banjar {hon} {nama}"),
         ("sambal acan", "sambal raja", "abon ikan haruan", "bumbu soto Banjar", "pentol beku",
          "nugget ikan", "rendang", "masak habang siap saji", "kerupuk mentah"),
         female_share=0.75, median_sales=70_000_000, food=True,
         words=("Acan", "Raja", "Ikan", "Bawang", "Pedas")),
    Kind(2.5, "C", ("11040", "10761"),
         ("Kopi {w} {kel}", "Es {w} {nama}", "Minuman {brand}", "Teh {w} {brand}", "Kopi {brand}"),
         ("kopi bubuk Aranio", "teh serai", "minuman jahe", "es jeruk Siam Banjar", "sirup kayu manis",
          "kopi liberika", "jus buah"),
         female_share=0.4, median_sales=90_000_000, food=True,
         words=("Aranio", "Banua", "Liberika", "Jeruk", "Serai", "Tebu", "Kelapa Muda")),
    Kind(1.5, "C", ("10392", "10391"),
         ("Tahu Tempe {hon} {nama}", "Pabrik Tahu {brand}", "Tempe {nama}"),
         ("tahu putih", "tahu goreng", "tempe kedelai", "tempe daun", "susu kedelai"),
         female_share=0.4, median_sales=150_000_000, food=True),
    Kind(3, "C", ("13134", "14111"),
         ("Sasirangan {brand}", "Sasirangan {w}", "Galeri Sasirangan {nama}", "Sasirangan {hon} {nama}",
          "Sasirangan {kel}", "Butik Sasirangan {brand}"),
         ("kain sasirangan", "kemeja sasirangan", "selendang sasirangan", "jilbab sasirangan",
          "masker kain", "tas sasirangan", "gamis sasirangan"),
         female_share=0.8, median_sales=100_000_000,
         words=("Galuh", "Bungas", "Banjar", "Kampung Melayu", "Antasari", "Bintang", "Intan", "Permata")),
    Kind(2.5, "C", ("14111", "14120"),
         ("Penjahit {nama}", "Konveksi {brand}", "Modiste {hon} {nama}", "Jahit {nama}", "{nama} Tailor"),
         ("jahit pakaian", "seragam sekolah", "seragam kantor", "baju kurung", "gamis",
          "permak celana", "kaos sablon"),
         female_share=0.65, median_sales=60_000_000),
    Kind(1.5, "C", ("16293", "16292", "16221"),
         ("Kerajinan Purun {hon} {nama}", "Anyaman {w} {brand}", "Kerajinan {brand}", "Purun {kel}"),
         ("tas purun", "tikar purun", "bakul", "topi tanggui", "anyaman rotan", "kerajinan kayu ulin",
          "miniatur jukung"),
         female_share=0.75, median_sales=40_000_000,
         words=("Purun", "Rotan", "Bambu", "Eceng Gondok")),
    Kind(1, "C", ("31001",),
         ("Mebel {brand}", "Meubel {nama}", "Furnitur {brand}"),
         ("lemari", "kursi kayu", "meja makan", "kusen pintu dan jendela", "ranjang", "meja belajar"),
         female_share=0.08, median_sales=250_000_000),
    Kind(0.7, "C", ("32111", "32112"),
         ("Perhiasan {brand}", "Pengrajin Perak {nama}", "Intan {brand}"),
         ("cincin perak", "gelang batu permata", "kalung emas", "batu akik", "kerajinan intan"),
         female_share=0.3, median_sales=300_000_000),
    Kind(1, "C", ("18111", "18112"),
         ("Percetakan {brand}", "Sablon {nama}", "{brand} Printing"),
         ("undangan", "spanduk", "stiker", "sablon kaos", "kemasan produk", "kartu nama"),
         female_share=0.3, median_sales=180_000_000),
    # --- G: perdagangan dan reparasi ------------------------------------------------------------
    Kind(9, "G", ("47112", "47111", "47191"),
         ("Toko {nama}", "Warung Sembako {hon} {nama}", "Toko {brand}", "Toko Kelontong {brand}",
          "Warung {hon} {nama}", "Toko Sembako {brand}", "Minimarket {brand}"),
         ("sembako", "beras", "minyak goreng", "gula", "gas elpiji 3 kg", "air galon", "rokok",
          "makanan ringan", "telur", "sabun dan deterjen"),
         female_share=0.55, median_sales=240_000_000),
    Kind(3, "G", ("47711", "47712"),
         ("Butik {nama}", "Toko Pakaian {brand}", "{brand} Fashion", "Toko Busana Muslim {brand}",
          "Galeri {nama}"),
         ("pakaian wanita", "busana muslim", "jilbab", "pakaian anak", "sarung", "mukena"),
         female_share=0.8, median_sales=150_000_000),
    Kind(3, "G", ("47911", "47919"),
         ("{nama} Shop", "{brand} Store", "{nama} Olshop", "{brand} Online", "Lapak {nama}"),
         ("jualan online", "kosmetik", "hijab", "makanan ringan", "perlengkapan bayi",
          "produk UMKM Banua", "aksesoris HP"),
         female_share=0.75, median_sales=90_000_000),
    Kind(3.5, "G", ("45405", "45407", "45201"),
         ("Bengkel Motor {hon} {nama}", "Bengkel {brand} Motor", "{brand} Motor", "Bengkel {nama}",
          "Tambal Ban {hon} {nama}", "Servis Motor {nama}"),
         ("servis motor", "ganti oli", "tambal ban", "suku cadang motor", "cuci motor", "servis mobil"),
         female_share=0.04, median_sales=130_000_000),
    Kind(2.5, "G", ("47412", "47413"),
         ("{nama} Cell", "{brand} Cell", "Konter {nama}", "{brand} Ponsel", "{nama} Phone"),
         ("pulsa", "paket data", "aksesoris HP", "HP bekas", "token listrik", "servis HP"),
         female_share=0.35, median_sales=120_000_000),
    Kind(2.5, "G", ("47215", "47221", "47211"),
         ("Lapak Ikan {hon} {nama}", "Jual Ikan {w} {nama}", "Sayur {hon} {nama}",
          "Pedagang Pasar {hon} {nama}", "Kios {nama}"),
         ("ikan haruan", "ikan patin", "ikan papuyu", "sayur mayur", "buah-buahan", "daging ayam",
          "bumbu dapur"),
         female_share=0.65, median_sales=100_000_000,
         words=("Segar", "Sungai", "Haruan", "Papuyu", "Patin")),
    Kind(1.5, "G", ("47524", "47521"),
         ("Toko Bangunan {brand}", "Toko Besi {brand}", "Material {brand}"),
         ("semen", "besi beton", "kayu ulin", "cat", "paku", "pipa", "keramik"),
         female_share=0.25, median_sales=600_000_000),
    Kind(1, "G", ("46311", "46321"),
         ("Grosir Beras {brand}", "UD {brand}", "CV {brand}", "Agen {brand}"),
         ("beras Banjar", "beras unus", "gula pasir", "telur ayam", "minyak goreng curah"),
         female_share=0.35, median_sales=900_000_000),
    # --- I: penyediaan akomodasi dan makan minum ------------------------------------------------
    Kind(7, "I", ("56102", "56103"),
         ("Warung Makan {hon} {nama}", "Rumah Makan {brand}", "Depot {nama}", "Soto Banjar {hon} {nama}",
          "Nasi Kuning {hon} {nama}", "Ketupat Kandangan {hon} {nama}", "Lontong Orari {nama}",
          "Nasi Itik Gambut {hon} {nama}", "Warung {w} {hon} {nama}", "Depot {w} {brand}",
          "Warung Makan {brand}"),
         ("nasi kuning", "soto Banjar", "ketupat Kandangan", "lontong", "nasi itik", "mandai",
          "ikan bakar", "sop buntut", "masak habang", "gangan asam"),
         female_share=0.7, median_sales=90_000_000, food=True,
         words=("Soto", "Bakso", "Nasi Sop", "Ayam Penyet", "Sate", "Mie Bancir", "Haruan Bakar")),
    Kind(4, "I", ("56104", "56103"),
         ("Pentol {nama}", "Gorengan {hon} {nama}", "Bakso {hon} {nama}", "Es {w} {nama}",
          "Jajanan {brand}", "Pentol Bakar {brand}", "Kue Apam {hon} {nama}", "Martabak {brand}"),
         ("pentol", "gorengan", "bakso", "martabak", "es campur", "jasuke", "cireng", "pisang goreng"),
         female_share=0.5, median_sales=45_000_000, food=True,
         words=("Campur", "Doger", "Kelapa Muda", "Teh", "Cincau", "Kopyor")),
    Kind(3.5, "I", ("56303", "56301"),
         ("Kedai Kopi {brand}", "Warung Kopi {hon} {nama}", "Kafe {brand}", "{brand} Coffee",
          "Kopi {w} {nama}", "Warkop {nama}"),
         ("kopi susu", "teh tarik", "roti bakar", "mie rebus", "kopi Aranio", "jus"),
         female_share=0.3, median_sales=110_000_000, food=True,
         words=("Susu", "Tubruk", "Sanger", "Aranio", "Siring")),
    Kind(2.5, "I", ("56210",),
         ("Katering {hon} {nama}", "{brand} Catering", "Dapur {nama}", "Katering {brand}",
          "Nasi Kotak {hon} {nama}"),
         ("nasi kotak", "prasmanan", "kue kotak", "katering harian", "tumpeng"),
         female_share=0.8, median_sales=200_000_000, food=True),
    Kind(0.5, "I", ("55130", "55199"),
         ("Homestay {brand}", "Penginapan {brand}", "Wisma {nama}"),
         ("kamar harian", "kamar bulanan", "paket wisata pasar terapung"),
         female_share=0.45, median_sales=250_000_000),
    # --- S: aktivitas jasa lainnya --------------------------------------------------------------
    Kind(2.5, "S", ("96112",),
         ("Salon {nama}", "Salon Kecantikan {brand}", "{nama} Beauty", "Rias Pengantin {hon} {nama}",
          "Salon Muslimah {brand}"),
         ("potong rambut", "creambath", "rias pengantin", "facial", "pewarnaan rambut", "sewa baju pengantin"),
         female_share=0.9, median_sales=70_000_000),
    Kind(1.5, "S", ("96111",),
         ("Pangkas Rambut {nama}", "{brand} Barbershop", "Barbershop {nama}", "Pangkas Rambut {brand}"),
         ("potong rambut pria", "cukur", "pewarnaan rambut"),
         female_share=0.08, median_sales=50_000_000),
    Kind(2, "S", ("96200",),
         ("{brand} Laundry", "Laundry {nama}", "{nama} Laundry", "Laundry Kiloan {brand}"),
         ("cuci kiloan", "cuci setrika", "cuci karpet", "dry cleaning"),
         female_share=0.65, median_sales=80_000_000),
    Kind(1.5, "S", ("95120", "95210"),
         ("Servis HP {nama}", "{nama} Elektronik", "Servis Elektronik {brand}", "Reparasi {brand}"),
         ("servis HP", "servis TV", "servis kipas angin", "ganti LCD", "servis mesin cuci"),
         female_share=0.06, median_sales=60_000_000),
    # --- A, N, M -------------------------------------------------------------------------------
    Kind(1.3, "A", ("03221", "03222"),
         ("Budidaya Ikan {nama}", "Kolam Ikan {brand}", "Keramba {hon} {nama}", "Pokdakan {brand}"),
         ("ikan nila", "ikan patin", "ikan haruan", "ikan papuyu", "bibit ikan", "ikan lele"),
         female_share=0.2, median_sales=90_000_000),
    Kind(0.8, "A", ("01131", "01135"),
         ("Hidroponik {brand}", "Kebun Sayur {nama}", "Tani {brand}"),
         ("sayur hidroponik", "kangkung", "bayam", "cabai rawit", "tomat"),
         female_share=0.4, median_sales=50_000_000),
    Kind(0.7, "A", ("01462", "01463", "01466"),
         ("Peternakan Ayam {nama}", "Ternak Itik {hon} {nama}", "Peternakan {brand}"),
         ("ayam potong", "telur itik Alabio", "itik", "ayam kampung"),
         female_share=0.3, median_sales=150_000_000),
    Kind(1, "N", ("82190",),
         ("Fotokopi {brand}", "{nama} Fotokopi & ATK", "Fotokopi {nama}"),
         ("fotokopi", "penjilidan", "cetak dokumen", "alat tulis kantor", "laminating"),
         female_share=0.45, median_sales=70_000_000),
    Kind(0.8, "N", ("77299", "77210"),
         ("Sewa Tenda {nama}", "Persewaan {brand}", "Dekorasi {brand}"),
         ("sewa tenda", "sewa kursi", "dekorasi pengantin", "sewa sound system"),
         female_share=0.35, median_sales=120_000_000),
    Kind(0.5, "N", ("79120",),
         ("{brand} Tour & Travel", "Travel {brand}"),
         ("paket umrah", "tiket pesawat", "wisata susur sungai", "antar jemput bandara"),
         female_share=0.4, median_sales=400_000_000),
    Kind(0.7, "M", ("74201", "74100"),
         ("{nama} Photography", "Studio Foto {brand}", "{brand} Kreatif", "Desain {brand}"),
         ("foto pengantin", "pas foto", "desain logo", "desain kemasan", "video dokumentasi"),
         female_share=0.35, median_sales=60_000_000),
    Kind(0.4, "M", ("73100",),
         ("{brand} Advertising", "Reklame {brand}"),
         ("papan nama", "neon box", "iklan media sosial", "baliho"),
         female_share=0.3, median_sales=200_000_000),
)  # fmt: skip

_FORMATTER = string.Formatter()


def _fields_of(template: str) -> frozenset[str]:
    return frozenset(name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name)


_TEMPLATE_FIELDS = {t: _fields_of(t) for kind in KINDS for t in kind.names}
_KIND_CUM = list(itertools.accumulate(k.weight for k in KINDS))
_PHONE_PREFIX_LIST = [p for p, _w in PHONE_PREFIXES]
_PHONE_PREFIX_CUM = list(itertools.accumulate(w for _p, w in PHONE_PREFIXES))
_CERT_ORDER = {code: i for i, code in enumerate(Certification.values)}


def _check_catalogue() -> None:
    """Each kind's KBLI codes must belong to its category (a mistake here would seed bad data)."""
    for kind in KINDS:
        for code in kind.codes:
            if category_of(code) != kind.category:
                raise ImproperlyConfigured(f"seed_demo: KBLI {code} is not in category {kind.category}")


_check_catalogue()


# --- The seeder ------------------------------------------------------------------------------------


class SeedRandom(random.Random):
    """`random.Random` with cheaper `choice`, `randint` and `randrange`, built on `random()`.

    The library versions draw bits until an unbiased result comes out, which is several times
    slower; a seed makes a million such draws, and a 2**-53 bias does not matter for demo data.
    """

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        if step != 1:
            return super().randrange(start, stop, step)
        return start + int(self.random() * (stop - start))


@dataclass
class Person:
    """An owner being generated, with what the business generator needs to know about them."""

    owner: Row
    short_name: str
    female: bool
    home: tuple[str, str, str]  # kelurahan (code, name, kecamatan code)


class DemoSeeder:
    """Runs the seeding steps in order; each step may use what the earlier ones created.

    `self.owners` and `self.businesses` hold the inserted rows as dicts keyed by field attname
    (with their "id"), in creation order; `self.users` the demo users by role.
    """

    steps: tuple[str, ...] = (
        "_seed_accounts",
        "_seed_registry",
        "_flag_duplicates",
        "_seed_coaching",
        "_rebuild_progress",
    )

    def __init__(self, *, businesses: int, seed: int, participations: int | None = None) -> None:
        self.n_businesses = businesses
        self.n_participations = participations
        self.rng = SeedRandom(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.users: dict[str, User] = {}
        self.owners: list[Row] = []
        self.businesses: list[Row] = []
        self.counts: dict[str, int] = {}
        self.timings: list[tuple[str, float]] = []

    @property
    def staff_user(self) -> User:
        return self.users[roles.STAFF]

    def run(self) -> None:
        for step in self.steps:
            started = time.perf_counter()
            getattr(self, step)()
            self.timings.append((step.strip("_"), time.perf_counter() - started))

    def _weighted(self, items, cum_weights):
        """`rng.choices(items, cum_weights=...)[0]`, without building a list per call."""
        return items[bisect.bisect(cum_weights, self.rng.random() * cum_weights[-1])]

    # --- Accounts ---------------------------------------------------------------------------------

    def _seed_accounts(self) -> None:
        # One hash for all demo users: hashing is deliberately slow, and the password is shared.
        password = make_password(DEMO_PASSWORD)
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL)}
        missing = set(roles.ALL) - set(groups)
        if missing:
            raise CommandError(f"Role groups missing ({', '.join(sorted(missing))}); run migrate first.")
        for account in DEMO_ACCOUNTS:
            if account.phone:
                taken = (
                    User.objects.filter(phone=account.phone, phone_confirmed_at__isnull=False)
                    .exclude(email=account.email)
                    .first()
                )
                if taken is not None:
                    raise CommandError(
                        f"Phone {account.phone} already belongs to user {taken.email or taken.pk}; "
                        "the demo owner account needs it."
                    )
            user = User.objects.filter(email=account.email).first() or User(email=account.email)
            user.full_name = account.full_name
            user.phone = account.phone
            # The demo owner logs in with the number at once, as after entering the code.
            user.phone_confirmed_at = timezone.now() if account.phone else None
            user.is_staff = account.is_staff
            user.is_active = True
            user.password = password
            user.save()
            user.groups.set([groups[account.role]])
            self.users[account.role] = user
        self.counts["users"] = len(DEMO_ACCOUNTS)

    # --- Registry ---------------------------------------------------------------------------------

    def _seed_registry(self) -> None:
        rng = self.rng
        self.kelurahan = list(Kelurahan.objects.order_by("code").values_list("code", "name", "kecamatan_id"))
        if not self.kelurahan:
            raise CommandError(
                "No kelurahan in the database; run migrate first (a data migration loads them)."
            )
        self.categories = set(KbliCategory.objects.values_list("code", flat=True))
        self._kel_cum = list(
            itertools.accumulate(
                rng.lognormvariate(0, 0.6) * KECAMATAN_WEIGHT.get(kec, 1.0) for _c, _n, kec in self.kelurahan
            )
        )
        # Every kelurahan gets at least one business: the first owners live in each in turn.
        self._kel_tour = self.kelurahan[:]
        rng.shuffle(self._kel_tour)
        # Start years skewed towards recent ones, with a bump of new businesses after the pandemic.
        self._years = list(range(1995, self.today.year + 1))
        self._year_cum = list(
            itertools.accumulate((y - 1990) ** 1.8 * (1.5 if 2020 <= y <= 2023 else 1.0) for y in self._years)
        )
        # Identifiers already in use (the database holds no business, but may hold owners or users).
        self._niks = set(Owner.objects.exclude(nik=None).values_list("nik", flat=True))
        self._phones = set(Owner.objects.exclude(phone="").values_list("phone", flat=True))
        self._phones |= set(User.objects.exclude(phone=None).values_list("phone", flat=True))
        self._phones.add(DEMO_OWNER_PHONE)
        self._nibs: set[str] = set()
        self._names: set[tuple[str, str]] = set()  # (kelurahan code, normalised name)
        self._kinds: list[Kind] = []  # per business

        n = self.n_businesses
        n_duplicates = min(max(2, round(n * 0.005)), n - 2) if n >= 10 else 0
        n_large = max(2, n // 5000) if n >= 20 else 0
        regular = n - n_duplicates
        self._large_at = set(rng.sample(range(2, regular), min(n_large, max(0, regular - 2))))
        self._regular = regular
        self._duplicated: set[int] = set()

        self._seed_demo_owner()
        while len(self.businesses) < regular:
            i = len(self.owners) - 1  # the demo owner came first
            home = self._kel_tour[i] if i < len(self._kel_tour) else self._pick_kelurahan()
            kind = self._pick_kind()
            person = self._new_person(kind, home)
            count = self._weighted((1, 2, 3), (90, 97, 100))
            for j in range(min(count, regular - len(self.businesses))):
                if j > 0:
                    kind = self._pick_kind()
                kel = home if j == 0 or rng.random() < 0.6 else self._pick_kelurahan()
                self._new_business(person, kind, kel)
        for _ in range(n_duplicates):
            self._new_duplicate()
        self._write_registry()

    def _pick_kelurahan(self) -> tuple[str, str, str]:
        return self._weighted(self.kelurahan, self._kel_cum)

    def _pick_kind(self) -> Kind:
        return self._weighted(KINDS, _KIND_CUM)

    # People

    def _seed_demo_owner(self) -> None:
        """The owner behind pemilik@demo.umkm.test: one verified business, one awaiting verification."""
        by_code = {kel[0]: kel for kel in self.kelurahan}
        home = by_code.get("63.71.05.1007") or self.kelurahan[0]  # Seberang Mesjid, kampung sasirangan
        user = self.users[roles.OWNER]
        if Owner.objects.filter(user=user).exists():
            raise CommandError(f"An owner record is already linked to {user.email}; remove it to seed again.")
        birth = datetime.date(1978, 3, 12)
        owner = {
            "nik": self._make_nik(self._district_of(home), female=True, birth=birth),
            "name": user.full_name,
            "gender": GENDER_FEMALE,
            "birth_date": birth,
            "phone": DEMO_OWNER_PHONE,
            "email": user.email,
            "address": f"Jl. Sasirangan No. 12, RT 004, Kel. {home[1]}",
            "user_id": user.pk,
        }
        self.owners.append(owner)
        person = Person(owner=owner, short_name="Aminah", female=True, home=home)
        kinds = {kind.codes[0]: kind for kind in KINDS}
        self._new_business(
            person, kinds["10792"], home, name="Wadai Banjar Acil Aminah", status=S.VERIFIED, source=SRC.SELF
        )
        self._new_business(
            person, kinds["13134"], home, name="Sasirangan Galuh Aminah", status=S.SUBMITTED, source=SRC.SELF
        )

    @staticmethod
    def _district_of(kel: tuple[str, str, str]) -> str:
        """NIK digits 1-6 of someone registered in this Banjarmasin kelurahan: 6371 + kecamatan."""
        return kel[2].replace(".", "")

    def _make_nik(self, district: str, *, female: bool, birth: datetime.date) -> str:
        day = birth.day + 40 if female else birth.day
        base = f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        tries = 0
        while True:
            # Real serials are mostly low; widen the range when the low ones are taken.
            nik = f"{base}{self.rng.randint(1, 2000 if tries < 20 else 9999):04d}"
            if nik not in self._niks:
                self._niks.add(nik)
                return nik
            tries += 1

    def _make_phone(self) -> str:
        rng = self.rng
        while True:
            prefix = self._weighted(_PHONE_PREFIX_LIST, _PHONE_PREFIX_CUM)
            length = self._weighted((7, 8, 9), (15, 85, 100))
            phone = f"+62{prefix}{rng.randrange(10**length):0{length}d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def _birth_date(self) -> datetime.date:
        age = self.rng.triangular(20, 70, 42)
        birth = datetime.date(self.today.year - int(age), 1, 1) + datetime.timedelta(
            days=self.rng.randrange(365)
        )
        return min(birth, self.today - datetime.timedelta(days=20 * 366))

    def _new_person(self, kind: Kind, home: tuple[str, str, str]) -> Person:
        rng = self.rng
        female = rng.random() < kind.female_share
        if female:
            given, leading, family = FEMALE_GIVEN, FEMALE_LEADING, FEMALE_FAMILY
        else:
            given, leading, family = MALE_GIVEN, MALE_LEADING, MALE_FAMILY
        tokens = []
        if rng.random() < (0.3 if female else 0.4):
            tokens.append(rng.choice(leading))
        first = rng.choice(given)
        tokens.append(first)
        r = rng.random()
        if r < 0.15:
            tokens.append(rng.choice(given))
        elif r < 0.8 or len(tokens) == 1:
            tokens.append(rng.choice(family))
        name = " ".join(dict.fromkeys(tokens))  # no repeated word
        short = NICKNAMES.get(first, first) if rng.random() < 0.5 else first

        birth = self._birth_date()
        r = rng.random()
        if r < 0.05:
            nik = None  # registered before showing a KTP
        elif r < 0.88:
            nik = self._make_nik(self._district_of(home), female=female, birth=birth)
        else:
            # KTP issued elsewhere: a neighbouring regency, sometimes another province.
            regency, districts = rng.choice(OTHER_REGENCIES)
            nik = self._make_nik(f"{regency}{rng.randint(1, districts):02d}", female=female, birth=birth)
        phone = self._make_phone() if rng.random() < 0.97 else ""
        email = ""
        if rng.random() < 0.3:
            local = normalise_name(name).replace(" ", rng.choice((".", "", "_")))
            number = str(rng.randint(1, 999)) if rng.random() < 0.6 else ""
            email = f"{local}{number}@{rng.choice(EMAIL_DOMAINS)}"
        owner = {
            "nik": nik,
            "name": name,
            "gender": GENDER_FEMALE if female else GENDER_MALE,
            "birth_date": birth if nik else None,
            "phone": phone,
            "email": email,
            "address": self._address(home),
        }
        self.owners.append(owner)
        return Person(owner=owner, short_name=short, female=female, home=home)

    def _address(self, kel: tuple[str, str, str]) -> str:
        rng = self.rng
        street = rng.choice(STREETS) if rng.random() < 0.45 else f"Jl. {kel[1]}"
        if rng.random() < 0.45:
            street += f" Gg. {rng.choice(GANG_NAMES)}"
        return f"{street} No. {rng.randint(1, 120)}, RT {rng.randint(1, 45):03d}, Kel. {kel[1]}"

    # Businesses

    def _business_name(self, kind: Kind, person: Person, kel: tuple[str, str, str]) -> tuple[str, str]:
        """A name not yet used in the kelurahan, and its normalised form."""
        rng = self.rng
        for attempt in range(8):
            template = rng.choice(kind.names)
            fields = _TEMPLATE_FIELDS[template]
            values: dict[str, str] = {}
            if "hon" in fields:
                values["hon"] = rng.choice(FEMALE_HONORIFICS if person.female else MALE_HONORIFICS)
            if "nama" in fields:
                values["nama"] = person.short_name
            if "brand" in fields:
                brand = rng.choice(BRAND_FIRST)
                if rng.random() < 0.45:
                    second = rng.choice(BRAND_SECOND)
                    if second not in brand:
                        brand += " " + second
                values["brand"] = brand
            if "kel" in fields:
                values["kel"] = kel[1]
            if "w" in fields:
                values["w"] = rng.choice(kind.words)
            name = template.format(**values)
            if attempt == 6:
                # A common name already taken in a busy kelurahan: people then add their own name.
                name = f"{name} {person.owner['name'].split()[-1]}"
            normalised = normalise_name(name)
            if (kel[0], normalised) not in self._names:
                self._names.add((kel[0], normalised))
                return name, normalised
        number = 2
        while (kel[0], f"{normalised} {number}") in self._names:
            number += 1
        self._names.add((kel[0], f"{normalised} {number}"))
        return f"{name} {number}", f"{normalised} {number}"

    def _pick_status(self) -> tuple[str, str]:
        """(status, source) in the mix of a running programme."""
        rng = self.rng
        r = rng.random()
        if r < 0.85:
            return S.VERIFIED, self._weighted((SRC.STAFF, SRC.SELF, SRC.IMPORT), (72, 92, 100))
        if r < 0.93:
            return S.SUBMITTED, SRC.SELF
        if r < 0.96:
            return S.REJECTED, SRC.SELF
        if r < 0.98:
            return S.INACTIVE, SRC.STAFF if rng.random() < 0.8 else SRC.SELF
        return S.DRAFT, SRC.SELF

    def _money(self, kind: Kind, index: int) -> tuple[int | None, int | None, int | None]:
        """(annual sales, capital, employees), money in whole rupiah."""
        rng = self.rng
        if index in self._large_at:
            # A handful above the menengah ceiling: flagged as not a UMKM.
            return rng.randrange(55_000, 250_000) * 1_000_000, rng.randrange(10_000, 60_000) * 1_000_000, 30
        # Kecil and menengah are likelier for a wholesaler than for a street-food stall.
        larger = min(0.3, 0.07 * kind.median_sales / 100_000_000)
        r = rng.random()
        if r >= larger:
            sales = int(min(max(kind.median_sales * rng.lognormvariate(0, 0.75), 6_000_000), 1_990_000_000))
            employees = min(30, 1 + int(rng.expovariate(1 / 1.6)))
        elif r < 0.8 * larger:
            sales = int(2_000_000_000 * 7.5 ** rng.random())  # log-uniform, Rp2 M to Rp15 M
            employees = rng.randint(5, 20)
        else:
            sales = int(15_000_000_000 * (50 / 15) ** rng.random())  # Rp15 M to Rp50 M
            employees = rng.randint(12, 30)
        sales = sales // 100_000 * 100_000
        # Capital stays within the menengah ceiling: only the handful above are "besar".
        capital = min(sales * rng.randint(8, 45) // 100 // 50_000 * 50_000, 9_500_000_000) or 500_000
        u = rng.random()
        if u < 0.08:
            return None, capital, employees  # sales not reported: the scale comes from capital
        if u < 0.1:
            return None, None, employees if rng.random() < 0.7 else None
        if u < 0.2:
            capital = None
        return sales, capital, employees

    def _links(self, normalised: str, kind: Kind, start_year: int | None) -> tuple[str, str, str]:
        rng = self.rng
        slug = normalised.replace(" ", "")[:28] or "usaha"
        marketplace = social = website = ""
        if rng.random() < (0.2 if kind.category in "CG" else 0.08):
            marketplace = rng.choice(MARKETPLACES).format(slug)
        if rng.random() < (0.45 if start_year and start_year >= 2018 else 0.25):
            social = rng.choice(SOCIAL_MEDIA).format(slug)
        if rng.random() < 0.02:
            website = f"https://{slug}.{rng.choice(('com', 'id', 'my.id'))}"
        return marketplace, social, website

    def _certifications(self, kind: Kind, status: str) -> list[str]:
        rng = self.rng
        certs = []
        if kind.food:
            boost = 1.3 if status == S.VERIFIED else 0.7
            if rng.random() < 0.3 * boost:
                certs.append(Certification.HALAL.value)
            if rng.random() < 0.35 * boost:
                certs.append(Certification.PIRT.value)
            if rng.random() < 0.03:
                certs.append(Certification.BPOM.value)
        if rng.random() < 0.04:
            certs.append(Certification.HKI.value)
        if kind.category == "C" and not kind.food and rng.random() < 0.02:
            certs.append(Certification.SNI.value)
        return sorted(certs, key=_CERT_ORDER.__getitem__)

    def _make_nib(self) -> str:
        while True:
            nib = f"{self.rng.choice(('91', '81', '12', '02', '22', '03'))}{self.rng.randrange(10**11):011d}"
            if nib not in self._nibs:
                self._nibs.add(nib)
                return nib

    def _new_business(
        self,
        person: Person,
        kind: Kind,
        kel: tuple[str, str, str],
        *,
        name: str | None = None,
        status: str | None = None,
        source: str | None = None,
    ) -> Row:
        rng = self.rng
        owner = person.owner
        if name is None:
            name, normalised = self._business_name(kind, person, kel)
        else:
            normalised = normalise_name(name)
            self._names.add((kel[0], normalised))
        picked_status, picked_source = self._pick_status()
        status, source = status or picked_status, source or picked_source
        sales, capital, employees = self._money(kind, len(self.businesses))
        start_year = self._weighted(self._years, self._year_cum) if rng.random() < 0.95 else None
        category = kind.category if rng.random() < 0.97 and kind.category in self.categories else None
        code = rng.choice(kind.codes) if category and rng.random() < 0.85 else ""
        nib = self._make_nib() if rng.random() < (0.5 if status == S.VERIFIED else 0.25) else None
        npwp = ""
        if rng.random() < 0.2:
            if owner["nik"] and rng.random() < 0.4:
                npwp = owner["nik"]  # NIK-based NPWP, since 2024
            else:
                npwp = f"{rng.randrange(10**9):09d}731000"  # old format, KPP Banjarmasin
        marketplace, social, website = self._links(normalised, kind, start_year)
        products = ", ".join(rng.sample(kind.products, rng.randint(1, min(4, len(kind.products)))))
        scale, basis = classify(annual_sales=sales, capital=capital)
        reason = ""
        if status == S.REJECTED:
            reason = rng.choice(REJECT_REASONS)
        elif status == S.INACTIVE:
            reason = rng.choice(INACTIVE_REASONS)
        if owner.get("user_id"):
            creator = owner["user_id"]
        else:
            creator = None if source == SRC.SELF else self.staff_user.pk
        if "created_by_id" not in owner:
            # The owner record was entered together with their first business.
            owner["created_by_id"] = owner["_history_user_id"] = creator
            if source == SRC.SELF:
                owner["consent_version"], owner["consent_at"] = CONSENT_VERSION, self.now
        address = owner["address"] if kel == person.home and rng.random() < 0.6 else self._address(kel)
        business = {
            "_owner": owner,
            "name": name,
            "name_normalized": normalised,
            "kelurahan_id": kel[0],
            "address": address,
            "kbli_category_id": category,
            "kbli_code": code,
            "nib": nib,
            "npwp": npwp,
            "start_year": start_year,
            "employees": employees,
            "annual_sales": sales,
            "capital": capital,
            "scale": scale,
            "scale_basis": basis,
            "products": products[:1].upper() + products[1:],
            "marketplace_url": marketplace,
            "social_media_url": social,
            "website_url": website,
            "certifications": self._certifications(kind, status),
            "status": status,
            "status_reason": reason,
            "status_changed_at": self.now,
            "source": source,
            "merged_into_id": None,
            "created_by_id": creator,
            "_history_user_id": creator,
        }
        self.businesses.append(business)
        self._kinds.append(kind)
        return business

    def _new_duplicate(self) -> Row:
        """The same person entered again (same phone, no or another NIK) with the same business."""
        rng = self.rng
        for _attempt in range(1000):
            index = rng.randrange(2, self._regular)  # not the demo owner's, not another duplicate
            original = self.businesses[index]
            if original["_owner"]["phone"] and index not in self._duplicated:
                break
        self._duplicated.add(index)
        first = original["_owner"]
        female = first["gender"] == GENDER_FEMALE
        nik = None
        if first["nik"] and rng.random() < 0.45:
            # A typing mistake in the serial: still a valid NIK, but another one.
            nik = self._make_nik(first["nik"][:6], female=female, birth=first["birth_date"])
        words = first["name"].split()
        owner = {
            "nik": nik,
            "name": rng.choice((first["name"], first["name"].upper(), f"{words[0]} {words[-1]}")),
            "gender": first["gender"],
            "birth_date": first["birth_date"] if nik else None,
            "phone": first["phone"],
            "email": "" if rng.random() < 0.7 else first["email"],
            "address": first["address"],
        }
        self.owners.append(owner)
        kel = next(k for k in self.kelurahan if k[0] == original["kelurahan_id"])
        person = Person(owner=owner, short_name=words[-1], female=female, home=kel)
        name = original["name"]
        name = rng.choice((name, name.upper(), name.lower(), name + "."))
        status, source = (S.SUBMITTED, SRC.SELF) if rng.random() < 0.6 else (S.VERIFIED, SRC.STAFF)
        return self._new_business(person, self._kinds[index], kel, name=name, status=status, source=source)

    def _status_changes(self) -> list[Row]:
        """Each business's timeline, ending in its current status (docs/rules.md rule 1)."""
        staff = self.staff_user.pk
        rows: list[Row] = []
        for business in self.businesses:
            status, reason, pk = business["status"], business["status_reason"], business["id"]
            submitter = business["_owner"].get("user_id")
            steps: list[tuple[str, str, int | None, str]] = []
            if business["source"] == SRC.SELF:
                if status == S.DRAFT:
                    steps.append(("", S.DRAFT, submitter, ""))
                else:
                    steps.append(("", S.SUBMITTED, submitter, ""))
                    if status == S.REJECTED:
                        steps.append((S.SUBMITTED, S.REJECTED, staff, reason))
                    elif status in (S.VERIFIED, S.INACTIVE):
                        steps.append((S.SUBMITTED, S.VERIFIED, staff, ""))
            else:
                steps.append(("", S.VERIFIED, staff, ""))
            if status == S.INACTIVE:
                steps.append((S.VERIFIED, S.INACTIVE, staff, reason))
            for before, after, by, why in steps:
                rows.append(
                    {
                        "business_id": pk,
                        "from_status": before,
                        "to_status": after,
                        "reason": why,
                        "changed_by_id": by,
                        "changed_at": self.now,
                    }
                )
        return rows

    def _write_registry(self) -> None:
        staff = self.staff_user.pk
        insert_rows(Owner, self.owners, now=self.now)
        insert_history(Owner, self.owners, now=self.now, default_user_id=staff)
        for business in self.businesses:
            business["owner_id"] = business["_owner"]["id"]
        insert_rows(Business, self.businesses, now=self.now)
        insert_history(Business, self.businesses, now=self.now, default_user_id=staff)
        changes = insert_rows(StatusChange, self._status_changes(), now=self.now)
        self.counts.update(
            owners=len(self.owners),
            businesses=len(self.businesses),
            status_changes=len(changes),
            history_rows=len(self.owners) + len(self.businesses),
        )

    def _flag_duplicates(self) -> None:
        self.counts["duplicate_pairs"] = duplicates_scan_all()

    def _seed_coaching(self) -> None:
        seed_coaching(self, participations=self.n_participations)

    def _rebuild_progress(self) -> None:
        if connection.vendor == "postgresql":
            # Fresh planner statistics for the tables just filled (autovacuum would take minutes):
            # without them PostgreSQL guesses a handful of activities in a period and picks plans
            # that make the rebuild below, and every later attendance, scan the whole table.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Bulk inserts bypass the services that keep the dashboard's aggregates.
        self.counts["coached"] = sum(rebuild_all().values())


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo accounts (one per role) and a realistic demo registry of "
        "Banjarmasin businesses. Refused in production and when any business exists."
    )
    seeder_class = DemoSeeder

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--businesses", type=int, default=2000, help="number of businesses (default 2000)"
        )
        parser.add_argument("--seed", type=int, default=2021, help="random seed (default 2021)")
        parser.add_argument(
            "--participations",
            type=int,
            default=None,
            help="number of participations (default: about 2.4 per coached business, 1 per business above 5,000)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the demo logins) when the registry already holds data; for `make run`",
        )

    def handle(
        self,
        *args: Any,
        businesses: int,
        seed: int,
        if_empty: bool = False,
        participations: int | None = None,
        **options: Any,
    ) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "seed_demo fills the database with fake people and demo logins; refused in production."
            )
        if businesses < 2:
            raise CommandError("--businesses must be at least 2 (the demo owner alone has two).")
        if Business.objects.exists() and if_empty:
            self.stdout.write("The database already holds data; nothing seeded.")
            self._print_logins()
            return
        if Business.objects.exists():
            raise CommandError(
                "The database already holds businesses; seed_demo only fills an empty registry. "
                "Use a fresh database (or `manage.py flush`) to seed again."
            )
        started = time.perf_counter()
        seeder = self.seeder_class(businesses=businesses, seed=seed, participations=participations)
        with transaction.atomic():
            seeder.run()
        elapsed = time.perf_counter() - started
        verbosity = options.get("verbosity", 1)
        if verbosity >= 1:
            self._report(seeder, elapsed, verbosity=verbosity)

    def _report(self, seeder: DemoSeeder, elapsed: float, *, verbosity: int) -> None:
        counts = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in seeder.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded in {elapsed:.1f} s: {counts}."))
        if verbosity >= 2:
            for step, seconds in seeder.timings:
                self.stdout.write(f"  {step:<20} {seconds:6.2f} s")
        self._print_logins()

    def _print_logins(self) -> None:
        rows = [("Role", "Login", "Password")]
        for account in DEMO_ACCOUNTS:
            login = account.email + (f" or {format_phone(account.phone)}" if account.phone else "")
            rows.append((account.role, login, DEMO_PASSWORD))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        self.stdout.write("\nDemo logins:")
        for line in lines:
            self.stdout.write("  " + line)
